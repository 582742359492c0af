import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { createAssetStore, ZAssetStoreEnv } from '@montage/assets'
import { exitOnEnvError, parseEnv, ZDemoMode } from '@montage/core'
import { prepareDatabase } from './prepare-database'
import { seedDemo } from './seed-demo'
import { startAppProcesses } from './app-processes'

/** `npm start`: migrate, seed the demo board (demo mode), run every service until Ctrl-C. */
const root = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const dataDir = process.env.DATA_DIR ?? path.join(root, '.data')
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/montage'
const webPort = Number(process.env.PORT ?? 3000)
const collabPort = Number(process.env.COLLAB_PORT ?? 1234)

// `npm start` is the one-machine demo: the demo people and sign-in by name, web on loopback only.
// MONTAGE_DEMO=0 runs the same stack with password accounts only (and no demo seed).
const { MONTAGE_DEMO: demo } = exitOnEnvError(() => parseEnv(z.object({ MONTAGE_DEMO: ZDemoMode }), { MONTAGE_DEMO: process.env.MONTAGE_DEMO ?? '1' }))

const applied = await prepareDatabase(databaseUrl)
if (applied.length) console.log(`[montage] migrations applied: ${applied.join(', ')}`)
// The demo plate goes to the store the services use (ASSET_STORE, S3_*: the local folder by default).
const store = createAssetStore({ ...exitOnEnvError(() => parseEnv(ZAssetStoreEnv)), DATA_DIR: dataDir })
const seeded = demo ? await seedDemo({ databaseUrl, dataDir, store }) : null
if (seeded) console.log(`[montage] demo board ${seeded.created ? 'seeded' : 'present'}`)

const app = await startAppProcesses({
  root,
  env: {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    TASK_QUEUE_PREFIX: process.env.TASK_QUEUE_PREFIX ?? '',
    AUTH_MODE: process.env.AUTH_MODE ?? 'local',
    MONTAGE_DEMO: demo ? '1' : '0',
    // One machine: a webhook endpoint may be a receiver on this machine or its network.
    MONTAGE_WEBHOOKS_ALLOW_PRIVATE: process.env.MONTAGE_WEBHOOKS_ALLOW_PRIVATE ?? '1',
  },
  webPort,
  collabPort,
  logDir: path.join(dataDir, 'logs'),
  echo: true,
})

console.log(`
  Montage is running${demo ? ' in demo mode (this machine only)' : ''}.
    open       http://localhost:${webPort}   ${demo ? '(sign in as Sam, Ada, Ben or Rui)' : '(sign in with your email and password)'}
${seeded ? `    demo board http://localhost:${webPort}/boards/${seeded.boardId}\n` : ''}    collab     ws://localhost:${collabPort}
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
