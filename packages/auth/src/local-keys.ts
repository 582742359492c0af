import { generateKeyPairSync } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

export interface LocalKeys {
  /** PKCS#8 PEM; signs local session tokens. Never leaves the server. */
  privateKeyPem: string
  /** SPKI PEM; what `verifyToken` gets as its `jwtKey`. */
  publicKeyPem: string
}

/**
 * Loads the local-mode RS256 key pair from `keysDir` (`AUTH_KEYS_DIR`; `<dataDir>/auth` by
 * default), generating it on first use. Every web and collab-server instance must read the same
 * pair: on one machine they share the data folder, in a cluster the folder is a mounted Secret.
 * Clerk's offline verification accepts RSA-2048 RS256 keys, so that is what we make.
 */
export async function ensureLocalKeys(dataDir: string, keysDir?: string): Promise<LocalKeys> {
  const dir = keysDir ?? path.join(dataDir, 'auth')
  const privPath = path.join(dir, 'local-jwt.key')
  const pubPath = path.join(dir, 'local-jwt.pub')
  try {
    return { privateKeyPem: await readFile(privPath, 'utf8'), publicKeyPem: await readFile(pubPath, 'utf8') }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // `wx`: if another process won the race, keep its pair and read it back.
  try {
    await writeFile(privPath, privateKey, { mode: 0o600, flag: 'wx' })
    await writeFile(pubPath, publicKey, { flag: 'wx' })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    await new Promise((r) => setTimeout(r, 50))
    return { privateKeyPem: await readFile(privPath, 'utf8'), publicKeyPem: await readFile(pubPath, 'utf8') }
  }
  return { privateKeyPem: privateKey, publicKeyPem: publicKey }
}
