import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { connect } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEnv } from '@montage/core'
import { natsConnectOptions, withConnectionChecks, ZNatsEnv } from '../src/config'
import { makeTestCertificates, type TestCertificates } from '../testing'

const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p))

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
    s.once('error', reject)
  })
}

async function listening(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nats-server exited:\n${output()}`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1', () => (socket.end(), resolve(true)))
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A nats-server that speaks TLS only, with the test CA's server certificate; `verify` also asks clients for theirs. */
async function startTlsServer(certs: TestCertificates, verify: boolean): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const port = await freePort()
  const args = ['-a', '127.0.0.1', '-p', String(port), '--tls', '--tlscert', certs.serverCertFile, '--tlskey', certs.serverKeyFile]
  if (verify) args.push('--tlsverify', '--tlscacert', certs.caFile)
  const child = spawn(NATS_SERVER!, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()))
  await listening(port, child, () => out)
  return { url: `tls://127.0.0.1:${port}`, child, output: () => out }
}

/** Connects with what `natsConnectOptions` makes of `source`, sends a request round trip, closes. */
async function roundTrip(source: Record<string, string>): Promise<void> {
  const nc = await connect({ ...natsConnectOptions(parseEnv(withConnectionChecks(ZNatsEnv), source), 'tls-test'), reconnect: false, timeout: 5_000 })
  try {
    await nc.flush()
  } finally {
    await nc.close()
  }
}

describe.skipIf(!NATS_SERVER)('natsConnectOptions against a TLS nats-server', () => {
  let dir: string
  let certs: TestCertificates
  const children: ChildProcess[] = []

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'montage-nats-tls-'))
    certs = makeTestCertificates(dir)
  })
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('connects with NATS_TLS_CA_FILE, and fails without it (the server certificate is not from a CA the system trusts)', async () => {
    const server = await startTlsServer(certs, false)
    children.push(server.child)
    await roundTrip({ NATS_URL: server.url, NATS_TLS_CA_FILE: certs.caFile })
    await expect(roundTrip({ NATS_URL: server.url })).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
  })

  it('mTLS: connects with the client certificate and key, and is refused with the CA alone', async () => {
    const server = await startTlsServer(certs, true)
    children.push(server.child)
    await roundTrip({ NATS_URL: server.url, NATS_TLS_CA_FILE: certs.caFile, NATS_TLS_CERT_FILE: certs.clientCertFile, NATS_TLS_KEY_FILE: certs.clientKeyFile })
    // Refused: the client reads the server's alert (it asked for a client certificate and got none),
    // or, under TLS 1.3 when the server closes first, a reset; the server's log says why either way.
    await expect(roundTrip({ NATS_URL: server.url, NATS_TLS_CA_FILE: certs.caFile })).rejects.toThrow(/bad certificate|certificate required|ECONNRESET/i)
    await expect.poll(server.output, { timeout: 5_000 }).toMatch(/TLS handshake error.*certificate/i)
  })
})
