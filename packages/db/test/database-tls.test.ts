import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEnv } from '@montage/core'
import { databaseOptions, withConnectionChecks, ZDatabaseEnv } from '@montage/runtime/config'
import { makeTestCertificates, type TestCertificates } from '@montage/runtime/testing'
import { createDb } from '../src'

/**
 * A PostgreSQL of our own that takes TLS connections only (`hostssl` in pg_hba), with the test CA's
 * certificate. It needs the server binaries and root (to run them as the `postgres` user); the
 * shared server the other tests use is left as it is.
 */
const PG_BIN = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => existsSync(`${d}/initdb`)) : undefined
const canRun = !!PG_BIN && process.getuid?.() === 0 && existsSync('/usr/sbin/runuser')

function postgresIds(): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

const connectOnce = async (source: Record<string, string>): Promise<boolean> => {
  const sql = createDb({ ...databaseOptions(parseEnv(withConnectionChecks(ZDatabaseEnv), source)), max: 1 })
  try {
    const [row] = await sql<{ ssl: boolean }[]>`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`
    return row!.ssl
  } finally {
    await sql.end({ timeout: 1 })
  }
}

describe.skipIf(!canRun)('PostgreSQL over TLS (DATABASE_URL sslmode, DATABASE_CA_FILE)', () => {
  let dir: string
  let certs: TestCertificates
  let server: ChildProcess | undefined
  let port: number
  let output = ''

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'montage-pg-tls-'))
    certs = makeTestCertificates(dir)
    const data = path.join(dir, 'data')
    const { uid, gid } = postgresIds()
    chownSync(dir, uid, gid)
    execFileSync('/usr/sbin/runuser', ['-u', 'postgres', '--', `${PG_BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], { stdio: 'ignore' })
    for (const [from, to] of [[certs.serverCertFile, 'server.crt'], [certs.serverKeyFile, 'server.key']] as const) {
      copyFileSync(from, path.join(data, to))
      chownSync(path.join(data, to), uid, gid)
      chmodSync(path.join(data, to), 0o600)
    }
    // TLS or nothing: a connection in the clear finds no pg_hba entry.
    const hba = readFileSync(path.join(data, 'pg_hba.conf'), 'utf8').replace(/^host(\s)/gm, 'hostssl$1')
    writeFileSync(path.join(data, 'pg_hba.conf'), hba)
    port = await freePort()
    server = spawn('/usr/sbin/runuser', ['-u', 'postgres', '--', `${PG_BIN}/postgres`, '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'ssl=on', '-c', 'fsync=off'], { stdio: ['ignore', 'pipe', 'pipe'] })
    server.stdout!.on('data', (b: Buffer) => (output += b.toString()))
    server.stderr!.on('data', (b: Buffer) => (output += b.toString()))
    for (let i = 0; !output.includes('ready to accept connections'); i++) {
      if (server.exitCode !== null || i > 300) throw new Error(`postgres did not start:\n${output}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  })

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r))
      // runuser does not pass signals on: stop postgres itself (fast shutdown), then runuser ends.
      const pid = Number(readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0])
      process.kill(pid, 'SIGINT')
      await exited
    }
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('connects over TLS with DATABASE_CA_FILE, the certificate checked against that CA', async () => {
    expect(await connectOnce({ DATABASE_URL: `postgres://postgres@localhost:${port}/postgres`, DATABASE_CA_FILE: certs.caFile })).toBe(true)
    expect(await connectOnce({ DATABASE_URL: `postgres://postgres@localhost:${port}/postgres?sslmode=verify-full`, DATABASE_CA_FILE: certs.caFile })).toBe(true)
  })

  it('sslmode=require encrypts without checking; verify-full without the CA refuses the unknown certificate; no TLS finds no way in', async () => {
    expect(await connectOnce({ DATABASE_URL: `postgres://postgres@localhost:${port}/postgres?sslmode=require` })).toBe(true)
    await expect(connectOnce({ DATABASE_URL: `postgres://postgres@localhost:${port}/postgres?sslmode=verify-full` })).rejects.toThrow(/self.signed|unable to (verify|get local issuer)/i)
    await expect(connectOnce({ DATABASE_URL: `postgres://postgres@localhost:${port}/postgres?sslmode=disable` })).rejects.toThrow(/no pg_hba.conf entry.*no encryption/)
  })
})
