import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, ensureDatabase } from '@montage/db'

const root = fileURLToPath(new URL('../../..', import.meta.url))

/** Every process entry, run as the dev stack runs it (node with tsx's loader, from its folder). */
const ENTRIES = {
  'collab-server': { cwd: 'collab-server', args: ['src/main.ts'] },
  workflows: { cwd: 'workflows', args: ['src/main.ts'] },
  'gpu-worker': { cwd: 'gpu-worker', args: ['src/main.ts'] },
  'hosted-worker': { cwd: 'gpu-worker', args: ['src/hosted-main.ts'] },
  web: { cwd: 'web', args: ['server.ts', '-p', '0', '-H', '127.0.0.1'] },
} as const

let dataDir: string

/** Starts `entry` with `env` over a clean environment and waits for it to end: its exit code and output. */
function run(entry: keyof typeof ENTRIES, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { cwd, args } = ENTRIES[entry]
  // Only what a process needs to run at all, so a variable of this machine cannot mask or cause a failure.
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: path.join(root, cwd), env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (b: Buffer) => (output += b.toString()))
    child.stderr.on('data', (b: Buffer) => (output += b.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000)
    child.once('error', reject)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'montage-process-config-'))
})
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

describe('a process with a bad setting refuses to start (exit 78), naming each bad variable, before it connects to anything', () => {
  // Nothing listens on these: a process that got as far as connecting would hang or fail otherwise.
  const nowhere = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/montage', NATS_URL: 'nats://127.0.0.1:1', TEMPORAL_ADDRESS: '127.0.0.1:1' }
  const cases: { entry: keyof typeof ENTRIES; env: Record<string, string>; named: RegExp[] }[] = [
    { entry: 'collab-server', env: { NATS_URL: 'not a url', DATABASE_URL: 'nope' }, named: [/NATS_URL: "not a url" is not a server address/, /DATABASE_URL: must be a URL/] },
    { entry: 'workflows', env: { TEMPORAL_TLS_CERT_FILE: path.join(root, 'package.json'), LOG_LEVEL: 'loud' }, named: [/TEMPORAL_TLS_KEY_FILE: required with TEMPORAL_TLS_CERT_FILE/, /LOG_LEVEL: /] },
    { entry: 'gpu-worker', env: { NATS_TLS_CA_FILE: '/nonexistent/ca.pem', TEMPORAL_TLS: 'yes' }, named: [/NATS_TLS_CA_FILE: cannot read \/nonexistent\/ca\.pem \(ENOENT\)/, /TEMPORAL_TLS: must be 1 \(on\) or 0 \(off\)/] },
    { entry: 'hosted-worker', env: { NATS_USER: 'montage', NATS_CREDS_FILE: path.join(root, 'package.json') }, named: [/NATS_CREDS_FILE: .*package\.json is not a NATS credentials file/] },
    { entry: 'web', env: { DATABASE_URL: 'nope', TEMPORAL_ADDRESS: 'https://temporal:7233' }, named: [/DATABASE_URL: must be a URL/, /TEMPORAL_ADDRESS: must be host:port without a scheme/] },
  ]
  for (const { entry, env, named } of cases) {
    it(`${entry}: ${Object.keys(env).join(', ')}`, async () => {
      const { code, output } = await run(entry, { ...nowhere, ...env })
      expect(code, output).toBe(78)
      for (const pattern of named) expect(output).toMatch(pattern)
    })
  }
})

describe('a service on a database that was not migrated stops, saying to run npm run migrate', () => {
  const name = `montage_unmigrated_svc_${process.pid}`
  const url = `postgres://postgres@127.0.0.1:5432/${name}`
  beforeAll(async () => ensureDatabase(url))
  afterAll(async () => {
    const admin = createDb({ url: 'postgres://postgres@127.0.0.1:5432/postgres', max: 1 })
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`)
    await admin.end()
  })

  for (const entry of ['collab-server', 'workflows', 'web'] as const) {
    it(entry, async () => {
      const { code, output } = await run(entry, { DATABASE_URL: url, NATS_URL: 'nats://127.0.0.1:1', TEMPORAL_ADDRESS: '127.0.0.1:1' })
      expect(code, output).toBe(1)
      // One JSON line at fatal, from the process's own logger.
      const line = output.split('\n').find((l) => l.includes('"level":"fatal"'))
      expect(line, output).toBeDefined()
      expect(JSON.parse(line!)).toMatchObject({ level: 'fatal', name: entry, msg: expect.stringMatching(/^The database is not migrated \(\d+ pending: 0001_init, .*Run `npm run migrate`/) })
    })
  }
})
