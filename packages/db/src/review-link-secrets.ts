import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/** 32 random bytes, base64url: the only copy of a link's token is the URL handed to its creator. */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url')
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

const SCRYPT_KEYLEN = 32

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, SCRYPT_KEYLEN, (e, key) => (e ? reject(e) : resolve(key))))
}

/** `salt:hash` in hex; scrypt so that a leaked table costs real work per guess. */
export async function hashPassphrase(passphrase: string): Promise<string> {
  const salt = randomBytes(16)
  return `${salt.toString('hex')}:${(await scryptAsync(passphrase, salt)).toString('hex')}`
}

export async function verifyPassphrase(passphrase: string, stored: string): Promise<boolean> {
  const [saltHex, hashHex] = stored.split(':')
  if (!saltHex || !hashHex) return false
  const expected = Buffer.from(hashHex, 'hex')
  const actual = await scryptAsync(passphrase, Buffer.from(saltHex, 'hex'))
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}
