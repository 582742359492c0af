import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createUser, fromPublic } from '@nats-io/nkeys'
import type { Authenticator } from '@nats-io/nats-core'
import { z } from 'zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EnvError, parseEnv } from '@montage/core'
import { databaseOptions, natsConnectOptions, temporalConnectionOptions, withConnectionChecks, ZDatabaseEnv, ZNatsEnv, ZTemporalEnv } from '../src/config'
import { makeTestCertificates, type TestCertificates } from '../testing'

let dir: string
let certs: TestCertificates
let credsFile: string
let userPublicKey: string
const missing = '/nonexistent/montage/file.pem'

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'montage-runtime-config-'))
  certs = makeTestCertificates(dir)
  // A credentials file as `nsc` writes one: the JWT (opaque here) and the user's seed.
  const user = createUser()
  userPublicKey = user.getPublicKey()
  credsFile = path.join(dir, 'user.creds')
  await writeFile(
    credsFile,
    `-----BEGIN NATS USER JWT-----\neyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.c2ln\n------END NATS USER JWT------\n\n************************* IMPORTANT *************************\nNKEY Seed printed below can be used to sign and prove identity.\n\n-----BEGIN USER NKEY SEED-----\n${new TextDecoder().decode(user.getSeed())}\n------END USER NKEY SEED------\n`,
  )
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** The message a process prints before exiting 78, or undefined when the environment is fine. */
function envError(fn: () => unknown): string | undefined {
  try {
    fn()
    return undefined
  } catch (e) {
    if (e instanceof EnvError) return e.message
    throw e
  }
}

const temporal = (source: Record<string, string>) => temporalConnectionOptions(parseEnv(withConnectionChecks(ZTemporalEnv), source))
const nats = (source: Record<string, string>) => natsConnectOptions(parseEnv(withConnectionChecks(ZNatsEnv), source), 'test')
const database = (source: Record<string, string>) => databaseOptions(parseEnv(withConnectionChecks(ZDatabaseEnv), source))

describe('temporalConnectionOptions', () => {
  it('connects in the clear to the local dev server by default', () => {
    expect(temporal({})).toEqual({ address: '127.0.0.1:7233', tls: false })
  })

  it('an API key (Temporal Cloud) turns TLS on, unless TEMPORAL_TLS=0 says otherwise', () => {
    expect(temporal({ TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key-1' })).toEqual({ address: 'my-ns.a1b2c.tmprl.cloud:7233', apiKey: 'key-1', tls: {} })
    expect(temporal({ TEMPORAL_API_KEY: 'key-1', TEMPORAL_TLS: '0' })).toEqual({ address: '127.0.0.1:7233', apiKey: 'key-1', tls: false })
  })

  it('mTLS from files: the CA, the client pair and the server name are read into the options', () => {
    const options = temporal({ TEMPORAL_TLS_CA_FILE: certs.caFile, TEMPORAL_TLS_CERT_FILE: certs.clientCertFile, TEMPORAL_TLS_KEY_FILE: certs.clientKeyFile, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' })
    const tls = options.tls as Exclude<typeof options.tls, false | undefined>
    expect(tls.serverRootCACertificate?.toString()).toContain('BEGIN CERTIFICATE')
    expect(tls.clientCertPair?.crt.toString()).toContain('BEGIN CERTIFICATE')
    expect(tls.clientCertPair?.key.toString()).toContain('PRIVATE KEY')
    expect(tls.serverNameOverride).toBe('temporal.internal')
  })

  it('TEMPORAL_TLS=1 alone is TLS with the system CAs', () => {
    expect(temporal({ TEMPORAL_TLS: '1' }).tls).toEqual({})
  })

  it('refuses a certificate without its key, and a key without its certificate, naming the missing one', () => {
    expect(envError(() => temporal({ TEMPORAL_TLS_CERT_FILE: certs.clientCertFile }))).toMatch(/TEMPORAL_TLS_KEY_FILE: required with TEMPORAL_TLS_CERT_FILE/)
    expect(envError(() => temporal({ TEMPORAL_TLS_KEY_FILE: certs.clientKeyFile }))).toMatch(/TEMPORAL_TLS_CERT_FILE: required with TEMPORAL_TLS_KEY_FILE/)
  })

  it('refuses a file it cannot read, naming the variable and the path', () => {
    expect(envError(() => temporal({ TEMPORAL_TLS_CA_FILE: missing }))).toMatch(new RegExp(`TEMPORAL_TLS_CA_FILE: cannot read ${missing} \\(ENOENT\\)`))
  })

  it('refuses TLS files with TEMPORAL_TLS=0, a bad flag and an address with a scheme', () => {
    expect(envError(() => temporal({ TEMPORAL_TLS: '0', TEMPORAL_TLS_CA_FILE: certs.caFile }))).toMatch(/TEMPORAL_TLS: is 0 but TEMPORAL_TLS_CA_FILE is set/)
    expect(envError(() => temporal({ TEMPORAL_TLS: 'yes' }))).toMatch(/TEMPORAL_TLS: must be 1 \(on\) or 0 \(off\)/)
    expect(envError(() => temporal({ TEMPORAL_ADDRESS: 'http://temporal:7233' }))).toMatch(/TEMPORAL_ADDRESS: must be host:port without a scheme/)
  })

  it('an empty variable counts as unset (compose files and charts write them)', () => {
    expect(temporal({ TEMPORAL_API_KEY: '', TEMPORAL_TLS_CA_FILE: '', TEMPORAL_TLS: '' })).toEqual({ address: '127.0.0.1:7233', tls: false })
  })
})

describe('natsConnectOptions', () => {
  it('takes comma-separated servers, with or without a scheme', () => {
    expect(nats({ NATS_URL: 'nats://a:4222, b:4222,tls://c:4443' })).toMatchObject({ servers: ['nats://a:4222', 'b:4222', 'tls://c:4443'], name: 'test' })
  })

  it('a tls:// server turns TLS on; a CA file is read into the options', () => {
    expect(nats({ NATS_URL: 'tls://c:4443' }).tls).toEqual({})
    expect(nats({}).tls).toBeUndefined()
    const tls = nats({ NATS_TLS_CA_FILE: certs.caFile, NATS_TLS_CERT_FILE: certs.clientCertFile, NATS_TLS_KEY_FILE: certs.clientKeyFile }).tls!
    expect(tls.ca).toContain('BEGIN CERTIFICATE')
    expect(tls.cert).toContain('BEGIN CERTIFICATE')
    expect(tls.key).toContain('PRIVATE KEY')
  })

  it('a creds file becomes an authenticator that signs the server nonce with the user seed', async () => {
    const options = nats({ NATS_CREDS_FILE: credsFile })
    const nonce = 'server-nonce-123'
    const auth = await (options.authenticator as Authenticator)(nonce)
    expect(auth).toMatchObject({ nkey: userPublicKey, jwt: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.c2ln' })
    const sig = Buffer.from((auth as { sig: string }).sig, 'base64url')
    expect(fromPublic(userPublicKey).verify(new TextEncoder().encode(nonce), sig)).toBe(true)
  })

  it('user and password, or a token', () => {
    expect(nats({ NATS_USER: 'montage', NATS_PASSWORD: 's3cret' })).toMatchObject({ user: 'montage', pass: 's3cret' })
    expect(nats({ NATS_TOKEN: 't0ken' })).toMatchObject({ token: 't0ken' })
  })

  it('refuses a server list that is not one, naming NATS_URL', () => {
    expect(envError(() => nats({ NATS_URL: 'not a url' }))).toMatch(/NATS_URL: "not a url" is not a server address/)
    expect(envError(() => nats({ NATS_URL: 'nats://a:4222,' }))).toMatch(/NATS_URL: has an empty entry/)
    expect(envError(() => nats({ NATS_URL: 'http://a:4222' }))).toMatch(/NATS_URL: "http:\/\/a:4222": the scheme must be nats:\/\/ or tls:\/\//)
  })

  it('refuses two ways to authenticate at once, and half of user/password', () => {
    expect(envError(() => nats({ NATS_CREDS_FILE: credsFile, NATS_TOKEN: 't' }))).toMatch(/NATS_TOKEN: cannot be combined with NATS_CREDS_FILE/)
    expect(envError(() => nats({ NATS_USER: 'u', NATS_PASSWORD: 'p', NATS_TOKEN: 't' }))).toMatch(/NATS_TOKEN: cannot be combined with NATS_USER\/NATS_PASSWORD/)
    expect(envError(() => nats({ NATS_USER: 'u' }))).toMatch(/NATS_PASSWORD: required with NATS_USER/)
    expect(envError(() => nats({ NATS_PASSWORD: 'p' }))).toMatch(/NATS_USER: required with NATS_PASSWORD/)
  })

  it('refuses a creds file that is not one, and files it cannot read', async () => {
    const notCreds = path.join(dir, 'not.creds')
    await writeFile(notCreds, 'hello\n')
    expect(envError(() => nats({ NATS_CREDS_FILE: notCreds }))).toMatch(/NATS_CREDS_FILE: .*not\.creds is not a NATS credentials file/)
    expect(envError(() => nats({ NATS_CREDS_FILE: missing }))).toMatch(/NATS_CREDS_FILE: cannot read/)
    const unreadable = path.join(dir, 'unreadable.pem')
    await writeFile(unreadable, 'x')
    await chmod(unreadable, 0o000)
    // root reads anything: only a file that is really unreadable here makes the point.
    if (process.getuid?.() !== 0) expect(envError(() => nats({ NATS_TLS_CA_FILE: unreadable }))).toMatch(/NATS_TLS_CA_FILE: cannot read .*EACCES/)
    expect(envError(() => nats({ NATS_TLS_CA_FILE: dir + '/nope.pem' }))).toMatch(/NATS_TLS_CA_FILE: cannot read/)
  })

  it('refuses half a client pair and TLS files with NATS_TLS=0', () => {
    expect(envError(() => nats({ NATS_TLS_CERT_FILE: certs.clientCertFile }))).toMatch(/NATS_TLS_KEY_FILE: required with NATS_TLS_CERT_FILE/)
    expect(envError(() => nats({ NATS_TLS: '0', NATS_URL: 'tls://a:4443' }))).toMatch(/NATS_TLS: is 0 but a tls:\/\/ server in NATS_URL is set/)
  })
})

describe('databaseOptions', () => {
  it('passes the URL through (postgres.js reads sslmode from it); a CA file checks the server against that CA', () => {
    expect(database({ DATABASE_URL: 'postgres://u@db:5432/montage?sslmode=verify-full' })).toEqual({ url: 'postgres://u@db:5432/montage?sslmode=verify-full' })
    const options = database({ DATABASE_URL: 'postgres://u@db:5432/montage?sslmode=require', DATABASE_CA_FILE: certs.caFile })
    expect(options.ssl).toEqual({ ca: expect.stringContaining('BEGIN CERTIFICATE'), rejectUnauthorized: true })
  })

  it('refuses what is not a PostgreSQL URL, an unknown sslmode, and a CA file with sslmode=disable', () => {
    expect(envError(() => database({ DATABASE_URL: 'nope' }))).toMatch(/DATABASE_URL: must be a URL/)
    expect(envError(() => database({ DATABASE_URL: 'mysql://db/montage' }))).toMatch(/DATABASE_URL: must start with postgres:\/\//)
    expect(envError(() => database({ DATABASE_URL: 'postgres://db/montage?sslmode=on' }))).toMatch(/DATABASE_URL: sslmode=on is not one of/)
    expect(envError(() => database({ DATABASE_URL: 'postgres://db/montage?sslmode=disable', DATABASE_CA_FILE: certs.caFile }))).toMatch(/DATABASE_CA_FILE: is set but DATABASE_URL says sslmode=disable/)
  })
})

describe('withConnectionChecks', () => {
  it('one parse names every bad variable: a field of another group, a half pair and a variable of the process', () => {
    const schema = withConnectionChecks(z.object({ ...ZTemporalEnv.shape, ...ZNatsEnv.shape, ...ZDatabaseEnv.shape, PORT: z.coerce.number().int() }))
    const message = envError(() => parseEnv(schema, { TEMPORAL_TLS_CERT_FILE: certs.clientCertFile, NATS_URL: 'not a url', DATABASE_URL: 'nope', PORT: 'x', NATS_USER: 'u' }))!
    for (const variable of ['TEMPORAL_TLS_KEY_FILE', 'NATS_URL', 'DATABASE_URL', 'PORT']) expect(message).toMatch(new RegExp(`^  ${variable}: `, 'm'))
    // NATS_URL failed, so NATS's checks across variables wait for it (no half-told story about NATS_PASSWORD).
    expect(message).not.toMatch(/NATS_PASSWORD/)
  })

  it('keeps its checks when a process extends the schema', () => {
    const schema = withConnectionChecks(z.object({ ...ZNatsEnv.shape })).extend({ NAME: z.string().default('x') })
    expect(envError(() => parseEnv(schema, { NATS_USER: 'u' }))).toMatch(/NATS_PASSWORD: required with NATS_USER/)
  })
})
