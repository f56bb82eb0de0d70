// The list rows: sx's product list (cached and not) against two floors, bare fastify from memory
// and bare fastify doing only the database work (lib/baselines.ts).
import { startBaseline, startDbBaseline } from './lib/baselines.ts'
import { startSxReplica, type Run } from './lib/boot.ts'
import { getJson, load, warmUp } from './lib/drive.ts'

export const LIST_PATH = '/v1/products?limit=25'

export const READ_RUNS: Run[] = [
  {
    name: 'sx_list',
    what: `sx GET ${LIST_PATH} (auth, rate limit, read cache, 10k products)`,
    run: async ({ sx, seconds, auth }) => {
      await warmUp(sx.url + LIST_PATH, auth)
      return load(sx.url + LIST_PATH, seconds, auth)
    },
  },
  {
    name: 'sx_list_uncached',
    what: `the same on a second sx with READ_CACHE_ENTRIES=0 (every request queries the database)`,
    run: async ({ sx, seconds, auth }) => {
      const replica = await startSxReplica(sx, { READ_CACHE_ENTRIES: '0' })
      try {
        await warmUp(replica.url + LIST_PATH, auth)
        return await load(replica.url + LIST_PATH, seconds, auth)
      } finally {
        await replica.close()
      }
    },
  },
  {
    name: 'baseline',
    what: 'bare fastify, same JSON body from memory',
    run: async ({ seconds, listBody }) => {
      const baseline = await startBaseline(listBody)
      try {
        await warmUp(baseline.url)
        return await load(baseline.url, seconds)
      } finally {
        await baseline.close()
      }
    },
  },
  {
    name: 'baseline_db',
    what: 'bare fastify + a prepared key lookup and the same list SQL on a connection of its own (the floor with a database)',
    run: async ({ sx, seconds, auth, listBody }) => {
      const baseline = await startDbBaseline(sx.services.config.db.url)
      try {
        // Same products, same fields: otherwise the comparison is not like for like.
        const own = (await getJson(baseline.url, sx.testKey)) as { data: unknown }
        if (JSON.stringify(own.data) !== JSON.stringify((listBody as { data: unknown }).data)) {
          throw new Error(`baseline_db lists other data than sx: ${JSON.stringify(own.data).slice(0, 300)}`)
        }
        await warmUp(baseline.url, auth)
        return await load(baseline.url, seconds, auth)
      } finally {
        await baseline.close()
      }
    },
  },
]
