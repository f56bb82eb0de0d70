// `buyer_flow`: the whole buyer flow (create → pay through the sandbox test helper → wait until
// completed) by BUYERS buyers at once, on a fresh sx with its worker in process as `sx serve` runs
// it; completed orders/s against the order-creation rate (50 connections, create only) of the same sx.
import type { BuyersReport, BuyersRequest } from './buyers.ts'
import { quiet } from './lib/audit.ts'
import { startSx, workerErrors, type Run, type Sx } from './lib/boot.ts'
import { forkHelper, load, round, warmUp } from './lib/drive.ts'
import { firstOrder, orderRequest, unlimitedProduct } from './writes.ts'

const BUYERS = 10
const WARM_SECONDS = 2

export const BUYER_FLOW: Run = {
  name: 'buyer_flow',
  what:
    `${BUYERS} buyers, each in a loop: POST /v1/orders → POST /v1/test_helpers/orders/{id}/pay → GET until completed ` +
    '(unlimited subscription product, worker in process); then POST /v1/orders alone on 50 connections',
  run: async ({ dialect, seconds }) => {
    const errors = workerErrors('buyer_flow')
    // Statements sx sends and the CPU it spends in each window (the worker's included): what a
    // flow costs against one creation, whatever else the machine runs.
    let statements = 0
    const sx = await startSx(dialect, { worker: errors, onQuery: () => void statements++ })
    try {
      const productId = await unlimitedProduct(sx, 'Bench Buyer Flow Subscription')
      await firstOrder(sx, productId)
      await buyers(sx, productId, WARM_SECONDS)
      statements = 0
      const cpuBefore = process.cpuUsage()
      const flow = await buyers(sx, productId, seconds)
      const flowCpu = process.cpuUsage(cpuBefore)
      const flowStatements = statements
      const { url, headers, request } = orderRequest(sx, productId)
      await warmUp(url, headers, request)
      await quiet(sx.services.db)
      statements = 0
      const create = await load(url, seconds, headers, 50, request)
      const createStatements = statements
      errors.check()
      const completedPerS = round(flow.completed / (flow.window_ms / 1000))
      const perFlow = (n: number) => round(n / Math.max(1, flow.completed), 1)
      return {
        buyers: BUYERS,
        completed: flow.completed,
        completed_per_s: completedPerS,
        create_req_per_s: create.req_per_s,
        ratio: round(completedPerS / create.req_per_s, 3),
        flow_p50_ms: percentile(flow.flow_ms, 0.5),
        flow_p99_ms: percentile(flow.flow_ms, 0.99),
        flow_create_p50_ms: percentile(flow.create_ms, 0.5),
        flow_pay_p50_ms: percentile(flow.pay_ms, 0.5),
        polls_per_flow: perFlow(flow.polls),
        statements_per_flow: perFlow(flowStatements),
        statements_per_create: round(createStatements / Math.max(1, create.requests), 1),
        cpu_ms_per_flow: perFlow((flowCpu.user + flowCpu.system) / 1000),
        cpu_ms_per_create: round(create.server_cpu_us_per_req / 1000, 2),
      }
    } finally {
      await sx.close()
    }
  },
}

/** BUYERS buyers in their own process for `seconds` (profile.ts drives it too). */
export function buyers(sx: Sx, productId: string, seconds: number): Promise<BuyersReport> {
  const child = forkHelper('./buyers.ts')
  const request: BuyersRequest = { url: sx.url, key: sx.testKey, productId, buyers: BUYERS, seconds }
  return new Promise((resolve, reject) => {
    child.once('message', (message: BuyersReport | { error: string }) =>
      'error' in message ? reject(new Error(`buyer_flow: ${message.error}`)) : resolve(message),
    )
    child.once('exit', (code) => reject(new Error(`the buyers' process exited with ${code} before answering`)))
    child.send(request)
  })
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0)
}
