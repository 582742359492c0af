import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEnv } from '@montage/core'
import { createTestCertificates, loadSigningCredentials, localSignerFiles, readSigningCredentials, ZProvenanceEnv, type TTestCertificates } from '../src/index'

let dir: string
let certs: TTestCertificates
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'provenance-creds-'))
  certs = await createTestCertificates()
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('readSigningCredentials', () => {
  it('takes a signer certificate with its CA and the matching key', () => {
    const c = readSigningCredentials({ chainPem: certs.chainPem, keyPem: certs.keyPem })
    expect(c.subject).toContain('Montage local test signer')
    expect(c.signer.chainCertificates).toHaveLength(1)
  })

  it('refuses a lone self-signed certificate, a key of another certificate, and garbage, saying which', async () => {
    const other = await createTestCertificates()
    expect(() => readSigningCredentials({ chainPem: certs.caPem, keyPem: certs.keyPem })).toThrow(/self-signed/)
    expect(() => readSigningCredentials({ chainPem: certs.chainPem, keyPem: other.keyPem })).toThrow(/does not belong to the first certificate/)
    expect(() => readSigningCredentials({ chainPem: 'hello', keyPem: certs.keyPem })).toThrow(/holds no PEM certificate/)
    expect(() => readSigningCredentials({ chainPem: certs.chainPem, keyPem: 'nope' })).toThrow(/does not parse as a PEM private key/)
  })
})

describe('ZProvenanceEnv and loadSigningCredentials', () => {
  it('wants both files or neither, naming the missing one', () => {
    expect(() => parseEnv(ZProvenanceEnv, { C2PA_SIGNING_CERT_FILE: '/x/chain.pem' })).toThrow(/C2PA_SIGNING_KEY_FILE: set C2PA_SIGNING_CERT_FILE and C2PA_SIGNING_KEY_FILE together/)
    expect(parseEnv(ZProvenanceEnv, {})).toEqual({})
  })

  it('without files, generates a test signer into <dataDir>/c2pa once and reuses it', async () => {
    const dataDir = path.join(dir, 'data')
    const first = await loadSigningCredentials({ env: {}, dataDir })
    const files = localSignerFiles(dataDir)
    expect((await stat(files.key)).mode & 0o777).toBe(0o600)
    const again = await loadSigningCredentials({ env: {}, dataDir })
    expect(again.chainPem).toBe(first.chainPem)
    expect(await readFile(files.ca, 'utf8')).toContain('BEGIN CERTIFICATE')
  })

  it('reads the files the env names, and names the variable of a bad one', async () => {
    const cert = path.join(dir, 'chain.pem')
    const key = path.join(dir, 'key.pem')
    await writeFile(cert, certs.chainPem)
    await writeFile(key, certs.keyPem)
    const c = await loadSigningCredentials({ env: { C2PA_SIGNING_CERT_FILE: cert, C2PA_SIGNING_KEY_FILE: key }, dataDir: dir })
    expect(c.chainPem).toContain('BEGIN CERTIFICATE')
    await expect(loadSigningCredentials({ env: { C2PA_SIGNING_CERT_FILE: cert, C2PA_SIGNING_KEY_FILE: path.join(dir, 'missing.pem') }, dataDir: dir })).rejects.toThrow(
      /C2PA_SIGNING_KEY_FILE \(.*missing\.pem\) cannot be read/,
    )
    await writeFile(key, 'not a key')
    await expect(loadSigningCredentials({ env: { C2PA_SIGNING_CERT_FILE: cert, C2PA_SIGNING_KEY_FILE: key }, dataDir: dir })).rejects.toThrow(/C2PA_SIGNING_KEY_FILE .* does not parse/)
  })
})
