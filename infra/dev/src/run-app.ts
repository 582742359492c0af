import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { prepareDatabase } from './prepare-database'
import { seedDemo } from './seed-demo'
import { startAppProcesses } from './app-processes'

/** `npm start`: migrate, seed the demo board, run every service until Ctrl-C. */
const root = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const dataDir = process.env.DATA_DIR ?? path.join(root, '.data')
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/montage'
const webPort = Number(process.env.PORT ?? 3000)
const collabPort = Number(process.env.COLLAB_PORT ?? 1234)

const applied = await prepareDatabase(databaseUrl)
if (applied.length) console.log(`[montage] migrations applied: ${applied.join(', ')}`)
const { boardId, created } = await seedDemo({ databaseUrl, dataDir })
console.log(`[montage] demo board ${created ? 'seeded' : 'present'}`)

const app = await startAppProcesses({
  root,
  env: {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    TASK_QUEUE_PREFIX: process.env.TASK_QUEUE_PREFIX ?? '',
    AUTH_MODE: process.env.AUTH_MODE ?? 'local',
  },
  webPort,
  collabPort,
  logDir: path.join(dataDir, 'logs'),
  echo: true,
})

console.log(`
  Montage is running.
    open       http://localhost:${webPort}   (sign in as Sam, Ada, Ben or Rui)
    demo board http://localhost:${webPort}/boards/${boardId}
    collab     ws://localhost:${collabPort}
    Temporal   http://127.0.0.1:8233
  Ctrl-C stops the app (the stack keeps running: npm run stack -- down stops it).
`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return
    stopping = true
    console.log('\n[montage] stopping…')
    await app.stop()
    process.exit(0)
  })
}
for (const s of Object.values(app.services)) {
  s?.child?.on('exit', (code, signal) => {
    if (!stopping) console.error(`[montage] ${s.name} exited (${code ?? signal}); see ${path.join(dataDir, 'logs', s.name + '.log')}`)
  })
}
