// The buyers of `buyer_flow`, run as a child process (as load.ts is), so their HTTP clients' CPU is
// not on sx's event loop or in its CPU accounting. Each buyer, until the time is up: POST /v1/orders
// (a new customer), POST /v1/test_helpers/orders/{id}/pay, then GET /v1/orders/{id} every
// POLL_MS until it is `completed`. Protocol: one IPC message in (BuyersRequest), one out
// (BuyersReport or { error }).

export type BuyersRequest = { url: string; key: string; productId: string; buyers: number; seconds: number }
export type BuyersReport = {
  /** Flows completed; the window is from the first create to the last completion. */
  completed: number
  window_ms: number
  create_ms: number[]
  pay_ms: number[]
  /** From the create request sent to the order seen completed. */
  flow_ms: number[]
  polls: number
}

const POLL_MS = 10
const FLOW_TIMEOUT_MS = 30_000

process.once('message', (request: BuyersRequest) => {
  buy(request).then(
    (report) => process.send!(report, () => process.exit(0)),
    (error: unknown) => process.send!({ error: String(error) }, () => process.exit(1)),
  )
})

async function buy({ url, key, productId, buyers, seconds }: BuyersRequest): Promise<BuyersReport> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
  const call = async (method: string, path: string, expect: number, body?: unknown) => {
    const response = await fetch(url + path, {
      method,
      headers: body === undefined ? { authorization: headers.authorization } : headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (response.status !== expect)
      throw new Error(`${method} ${path} answered ${response.status}, expected ${expect}: ${text.slice(0, 300)}`)
    return JSON.parse(text) as { id: string; status: string }
  }
  const report: BuyersReport = { completed: 0, window_ms: 0, create_ms: [], pay_ms: [], flow_ms: [], polls: 0 }
  const started = performance.now()
  const end = started + seconds * 1000
  let lastCompletion = started
  let next = 0
  const run = `${process.pid.toString(36)}${Date.now().toString(36)}`
  const buyer = async () => {
    while (performance.now() < end) {
      const t0 = performance.now()
      const order = await call('POST', '/v1/orders', 201, {
        customer_email: `flow-${run}-${next++}@example.com`,
        items: [{ product_id: productId, qty: 1 }],
      })
      const t1 = performance.now()
      await call('POST', `/v1/test_helpers/orders/${order.id}/pay`, 200, {})
      const t2 = performance.now()
      for (let status = ''; status !== 'completed';) {
        if (performance.now() - t0 > FLOW_TIMEOUT_MS)
          throw new Error(`order ${order.id} not completed after ${FLOW_TIMEOUT_MS} ms (${status})`)
        await new Promise((resolve) => setTimeout(resolve, POLL_MS))
        status = (await call('GET', `/v1/orders/${order.id}`, 200)).status
        report.polls++
      }
      lastCompletion = performance.now()
      report.completed++
      report.create_ms.push(t1 - t0)
      report.pay_ms.push(t2 - t1)
      report.flow_ms.push(lastCompletion - t0)
    }
  }
  await Promise.all(Array.from({ length: buyers }, buyer))
  report.window_ms = lastCompletion - started
  return report
}
