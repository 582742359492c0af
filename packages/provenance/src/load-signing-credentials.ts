import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { createTestCertificates } from './create-test-certificates'
import type { TProvenanceEnv } from './provenance-env'
import { readSigningCredentials, SigningCredentialsError, type TSigningCredentials } from './signing-credentials'

export interface LoadSigningCredentialsOptions {
  env: TProvenanceEnv
  /** Where the generated test signer lives when the env names no files (`<dataDir>/c2pa`). */
  dataDir: string
}

/** The files of the generated test signer under `<dataDir>/c2pa`. */
export function localSignerFiles(dataDir: string): { chain: string; key: string; ca: string } {
  const dir = path.join(dataDir, 'c2pa')
  return { chain: path.join(dir, 'signer-chain.pem'), key: path.join(dir, 'signer-key.pem'), ca: path.join(dir, 'test-ca.pem') }
}

/**
 * The signing identity: the pair `C2PA_SIGNING_CERT_FILE`/`C2PA_SIGNING_KEY_FILE` names, or a test
 * CA and signer generated into `<dataDir>/c2pa` on first use and kept there (so every process on
 * that data dir signs as the same signer). A bad file is an error naming its variable.
 */
export async function loadSigningCredentials(opts: LoadSigningCredentialsOptions): Promise<TSigningCredentials> {
  const { C2PA_SIGNING_CERT_FILE: certFile, C2PA_SIGNING_KEY_FILE: keyFile } = opts.env
  // The env schema says so too; this holds for a caller that spread its fields into another schema.
  if (!!certFile !== !!keyFile) throw new SigningCredentialsError('set C2PA_SIGNING_CERT_FILE and C2PA_SIGNING_KEY_FILE together (or neither, for a generated test signer)')
  if (certFile && keyFile) {
    const read = async (file: string, name: string) => {
      try {
        return await readFile(/*turbopackIgnore: true*/ file, 'utf8')
      } catch (e) {
        throw new SigningCredentialsError(`${name} (${file}) cannot be read: ${(e as Error).message}`)
      }
    }
    return readSigningCredentials({
      chainPem: await read(certFile, 'C2PA_SIGNING_CERT_FILE'),
      keyPem: await read(keyFile, 'C2PA_SIGNING_KEY_FILE'),
      what: { chain: `C2PA_SIGNING_CERT_FILE (${certFile})`, key: `C2PA_SIGNING_KEY_FILE (${keyFile})` },
    })
  }
  const files = localSignerFiles(opts.dataDir)
  try {
    return readSigningCredentials({ chainPem: await readFile(/*turbopackIgnore: true*/ files.chain, 'utf8'), keyPem: await readFile(/*turbopackIgnore: true*/ files.key, 'utf8') })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  const made = await createTestCertificates()
  // Written into a fresh folder renamed into place: a reader finds the whole set or none, and
  // when two processes start together the first rename wins and the other reads its files.
  const dir = path.dirname(files.chain)
  await mkdir(path.dirname(dir), { recursive: true })
  const staging = await mkdtemp(`${dir}.tmp-`)
  await writeFile(path.join(staging, path.basename(files.key)), made.keyPem, { mode: 0o600 })
  await writeFile(path.join(staging, path.basename(files.ca)), made.caPem, { mode: 0o644 })
  await writeFile(path.join(staging, path.basename(files.chain)), made.chainPem, { mode: 0o644 })
  try {
    await rename(staging, dir)
  } catch (e) {
    await rm(staging, { recursive: true, force: true })
    if (!['EEXIST', 'ENOTEMPTY'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e
  }
  return readSigningCredentials({ chainPem: await readFile(/*turbopackIgnore: true*/ files.chain, 'utf8'), keyPem: await readFile(/*turbopackIgnore: true*/ files.key, 'utf8') })
}
