import { scrypt } from 'node:crypto'

/**
 * The KDF parameters new hashes are made with: scrypt, N = 2^17, r = 8, p = 1 (128 MiB and a few
 * hundred ms per hash; OWASP's recommendation). Stored beside each hash, so raising them later
 * leaves old hashes verifiable (and rehashed at their owner's next sign-in).
 */
export interface TScryptParams {
  /** log2 of N, the CPU/memory cost. */
  ln: number
  r: number
  p: number
}

export const CURRENT_SCRYPT_PARAMS: TScryptParams = { ln: 17, r: 8, p: 1 }
export const SALT_BYTES = 16
export const KEY_BYTES = 32

/** Bounds on what a stored hash may ask for, so a corrupt row cannot make one sign-in take gigabytes. */
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const

export function scryptKey(password: string, salt: Buffer, params: TScryptParams, keyBytes = KEY_BYTES): Promise<Buffer> {
  const N = 2 ** params.ln
  // Node refuses by default above 32 MiB; scrypt needs 128·N·r bytes (plus slack).
  const maxmem = 128 * N * params.r * 2 + 1024 * 1024
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyBytes, { N, r: params.r, p: params.p, maxmem }, (e, key) => (e ? reject(e) : resolve(key))),
  )
}

/** `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64, no padding), the PHC string format. */
export function formatScryptHash(params: TScryptParams, salt: Buffer, key: Buffer): string {
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '')
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`
}

export interface TParsedHash {
  params: TScryptParams
  salt: Buffer
  key: Buffer
}

/** Null for anything that is not an scrypt PHC string within the limits. */
export function parseScryptHash(stored: string): TParsedHash | null {
  const m = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored)
  if (!m) return null
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) }
  for (const k of ['ln', 'r', 'p'] as const) {
    if (params[k] < LIMITS[k][0] || params[k] > LIMITS[k][1]) return null
  }
  const salt = Buffer.from(m[4]!, 'base64')
  const key = Buffer.from(m[5]!, 'base64')
  if (salt.length < 8 || key.length < 16) return null
  return { params, salt, key }
}
