import { randomBytes, timingSafeEqual } from 'node:crypto'
import { CURRENT_SCRYPT_PARAMS, KEY_BYTES, SALT_BYTES, formatScryptHash, parseScryptHash, scryptKey, type TScryptParams } from './password-kdf'

export interface PasswordHasherOptions {
  /** The parameters new hashes get (the current ones by default). */
  params?: TScryptParams
  /** How many KDF runs at once (each holds 128 MiB); the rest wait their turn. */
  concurrency?: number
}

export interface TPasswordCheck {
  ok: boolean
  /** The stored hash was made with other parameters: store a fresh one (only when `ok`). */
  needsRehash: boolean
}

export interface PasswordHasher {
  hash(password: string): Promise<string>
  /**
   * Compares in constant time. With `stored` null (no such account) it still runs the KDF once,
   * so "no such email" and "wrong password" take the same time and give the same answer.
   */
  check(password: string, stored: string | null): Promise<TPasswordCheck>
}

/** Hashes and checks passwords with a memory-hard KDF, holding at most `concurrency` runs in memory. */
export function createPasswordHasher(opts: PasswordHasherOptions = {}): PasswordHasher {
  const params = opts.params ?? CURRENT_SCRYPT_PARAMS
  const limit = Math.max(1, opts.concurrency ?? 2)
  let running = 0
  const waiting: (() => void)[] = []
  // A dummy hash for unknown emails, made once with the current parameters.
  const dummySalt = randomBytes(SALT_BYTES)

  async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve))
    running++
    try {
      return await fn()
    } finally {
      running--
      waiting.shift()?.()
    }
  }

  return {
    hash(password) {
      return withSlot(async () => {
        const salt = randomBytes(SALT_BYTES)
        return formatScryptHash(params, salt, await scryptKey(password, salt, params))
      })
    },
    check(password, stored) {
      return withSlot(async () => {
        const parsed = stored ? parseScryptHash(stored) : null
        if (!parsed) {
          await scryptKey(password, dummySalt, params)
          return { ok: false, needsRehash: false }
        }
        const actual = await scryptKey(password, parsed.salt, parsed.params, parsed.key.length)
        const ok = timingSafeEqual(actual, parsed.key)
        const same = parsed.params.ln === params.ln && parsed.params.r === params.r && parsed.params.p === params.p && parsed.key.length === KEY_BYTES
        return { ok, needsRehash: ok && !same }
      })
    },
  }
}
