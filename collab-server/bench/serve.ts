/**
 * One server under test, in its own process so the clients' CPU is not its CPU:
 * `node --expose-gc bench/dist/serve.js ours|hocuspocus <port> <statsPort>` (built by `serve-process.ts`).
 * On the stats port: `GET /memory` answers process.memoryUsage() after a full GC, `GET /rss` the
 * resident size now (no GC, cheap enough to sample), `GET /cpu` process.cpuUsage(), `GET /loop`
 * the event-loop delay since the last call, `GET /stats` what our server's limits did.
 */
import { createServer } from 'node:http'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { connect } from '@nats-io/transport-node'
import { Server } from '@hocuspocus/server'
import { createDb } from '@montage/db'
import { resolveJwtKey } from '@montage/auth'
import { createCollabServer } from '../src'

const [kind, portArg, statsPortArg] = process.argv.slice(2)
const port = Number(portArg)
const quiet = { info: () => {}, warn: () => {}, error: (m: string, f?: object) => console.error(m, f) }
let stats: () => object = () => ({})
const loopDelay = monitorEventLoopDelay({ resolution: 10 })
loopDelay.enable()

if (kind === 'ours') {
  const db = createDb({ url: process.env.DATABASE_URL!, max: 10 })
  const nats = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', noEcho: true }) // as main.ts connects
  const jwtKey = await resolveJwtKey({ authMode: 'local', dataDir: process.env.DATA_DIR! })
  const server = createCollabServer({
    db,
    nats,
    jwtKey,
    logger: quiet,
    consumerName: process.env.COLLAB_CONSUMER_NAME!,
    commandDeliverPolicy: 'new',
    consumerInactiveThresholdMs: 60_000,
    // Knobs for finding where time goes; the recorded numbers use the defaults.
    ...(process.env.BENCH_DEBOUNCE_MS ? { persistence: { debounceMs: Number(process.env.BENCH_DEBOUNCE_MS), maxDebounceMs: Number(process.env.BENCH_DEBOUNCE_MS) * 5 } } : {}),
    ...(process.env.BENCH_RELAY === '0' ? { relay: false } : {}),
  })
  await server.listen(port)
  stats = () => server.stats()
} else {
  // Hocuspocus as documented, in memory (no database extension), default debounce.
  const server = new Server({ port, address: '127.0.0.1', quiet: true })
  await server.listen()
}

createServer((req, res) => {
  const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  if (req.url === '/rss') return json({ rss: process.memoryUsage.rss() })
  if (req.url === '/cpu') return json(process.cpuUsage())
  if (req.url === '/loop') {
    // Event-loop delay since the last call, in ms: how long a ready callback waited to run.
    const ms = (ns: number) => ns / 1e6
    const body = { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) }
    loopDelay.reset()
    return json(body)
  }
  if (req.url === '/stats') return json(stats())
  globalThis.gc?.()
  globalThis.gc?.()
  json(process.memoryUsage())
}).listen(Number(statsPortArg), '127.0.0.1', () => console.log('ready'))

// `BENCH_HEAP_SAMPLE=<file>`: V8's sampling heap profile of everything the server allocated, the
// garbage included (what the collector's work is made of; `--heap-prof` keeps only what is live
// at exit), written on SIGTERM as a `.heapprofile` (DevTools' Memory tab reads it).
const heapSample = process.env.BENCH_HEAP_SAMPLE ? new Session() : null
if (heapSample) {
  heapSample.connect()
  await heapSample.post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
}

// A clean exit on SIGTERM, so `--cpu-prof` (BENCH_CPU_PROF) and `BENCH_HEAP_SAMPLE` can write their profiles.
process.on('SIGTERM', () => {
  if (!heapSample) return process.exit(0)
  void heapSample.post('HeapProfiler.stopSampling').then(({ profile }) => {
    writeFileSync(process.env.BENCH_HEAP_SAMPLE!.replace('%k', `${kind}-${port}`), JSON.stringify(profile))
    process.exit(0)
  })
})
