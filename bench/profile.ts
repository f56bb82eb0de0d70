// `npx tsx bench/profile.ts [path | orders | buyer_flow | shop_product]`: the bench's sx (10k products) under load on
// one path (`orders`: POST /v1/orders of an unlimited product, a new customer each time; `shop_product`: a
// product's page on the shop;
// `buyer_flow`: the buyers of bench/buyer-flow.ts, with the job worker in process), with the
// V8 CPU profiler on for the measured window only. Writes the .cpuprofile (open it in Chrome
// DevTools) and prints where the time went, by function (self) and by call chain (inclusive).
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buyers } from './buyer-flow.ts'
import { startSx, workerErrors } from './lib/boot.ts'
import { benchDialects, usePostgresServer } from './lib/databases.ts'
import { load, postJson, warmUp, type LoadRequest } from './lib/drive.ts'
import { seedProducts } from './lib/seed.ts'
import { firstOrder, unlimitedProduct } from './writes.ts'

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const path = process.argv[2] ?? '/v1/products?limit=25'
const seconds = Number(process.env.BENCH_SECONDS ?? 8)

// The first of BENCH_DIALECTS (default: SQLite).
const { dialects, adminUrl } = benchDialects()
usePostgresServer(adminUrl)
const errors = workerErrors('profile')
// Every statement sx sends, by its first words: the round trips behind the figures.
const statements = new Map<string, number>()
const onQuery = (sql: string) => {
  const head = sql.replace(/\s+/g, ' ').slice(0, 60)
  statements.set(head, (statements.get(head) ?? 0) + 1)
}
// Shop pages count against the buyers' per-address budget: out of the way like the other limits.
const env = { RATE_LIMIT_BUYER: '1000000000' }
const sx = await startSx(dialects[0]!, path === 'buyer_flow' ? { worker: errors, onQuery, env } : { onQuery, env })
try {
  await seedProducts(sx.services.db, sx.services.secretBox, sx.shopId, 10_000, 5)
  const auth: Record<string, string> = { authorization: `Bearer ${sx.testKey}` }
  let url = sx.url + path
  let request: LoadRequest = {}
  if (path === 'orders') {
    const product = (await postJson(`${sx.url}/v1/products`, sx.testKey, {
      name: 'Plan',
      type: 'subscription',
      interval: 'month',
      price_cents: 900,
      currency: 'USD',
    })) as { id: string }
    url = `${sx.url}/v1/orders`
    auth['content-type'] = 'application/json'
    request = {
      method: 'POST',
      expectStatus: 201,
      body: JSON.stringify({ customer_email: 'buyer-[<id>]@example.com', items: [{ product_id: product.id, qty: 1 }] }),
    }
  }
  if (path === 'shop_product') {
    const headers = { headers: auth }
    const shop = (await (await fetch(`${sx.url}/v1/shop`, headers)).json()) as { url: string }
    const list = (await (await fetch(`${sx.url}/v1/products?limit=1`, headers)).json()) as { data: { slug: string }[] }
    url = `${sx.url}${new URL(shop.url).pathname}/${list.data[0]!.slug}`
  }
  let measure: () => Promise<object> = () => load(url, seconds, auth, 50, request)
  if (path === 'buyer_flow') {
    const productId = await unlimitedProduct(sx, 'Plan')
    await firstOrder(sx, productId)
    await buyers(sx, productId, 2)
    measure = async () => {
      const { create_ms, pay_ms, flow_ms, ...flow } = await buyers(sx, productId, seconds)
      const p50 = (values: number[]) => Math.round([...values].sort((a, b) => a - b)[values.length >> 1] ?? 0)
      return { ...flow, create_p50_ms: p50(create_ms), pay_p50_ms: p50(pay_ms), flow_p50_ms: p50(flow_ms) }
    }
  } else await warmUp(url, auth, request)
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 100 })
  statements.clear()
  await session.post('Profiler.start')
  console.log(path, JSON.stringify(await measure()))
  errors.check()
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile }
  const file = join(tmpdir(), `sx-bench-${Date.now()}.cpuprofile`)
  writeFileSync(file, JSON.stringify(profile))
  console.log(`profile: ${file}`)
  summarize(profile)
  console.log(`--- statements (${[...statements.values()].reduce((a, b) => a + b, 0)} in the window)`)
  for (const [head, n] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`${String(n).padStart(7)}  ${head}`)
} finally {
  await sx.close()
}

function summarize(profile: Profile, top = 30): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const label = ({ callFrame: f }: Node) =>
    `${f.functionName || '(anonymous)'} ${f.url.replace(/.*node_modules\//, '').replace(/.*\/(src|bench)\//, '$1/')}:${f.lineNumber + 1}`
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    total += dt
    const name = label(byId.get(id)!)
    self.set(name, (self.get(name) ?? 0) + dt)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const chain = label(byId.get(at)!)
      if (!seen.has(chain)) inclusive.set(chain, (inclusive.get(chain) ?? 0) + dt)
      seen.add(chain)
    }
  })
  const print = (title: string, map: Map<string, number>) => {
    console.log(`--- ${title}`)
    for (const [name, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${name}`)
  }
  print('self', self)
  print('inclusive', inclusive)
}
