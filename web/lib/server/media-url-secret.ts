import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * The HMAC key of signed asset URLs: MEDIA_URL_SECRET when set, else one generated into
 * `<dataDir>/auth/media-url.key` on first use and kept there (like the local session keys), so
 * URLs survive a restart and every web process on the same data dir agrees.
 */
export async function loadMediaUrlSecret(opts: { dataDir: string; secret?: string }): Promise<Buffer> {
  if (opts.secret) return Buffer.from(opts.secret, 'utf8')
  const dir = path.join(opts.dataDir, 'auth')
  const file = path.join(dir, 'media-url.key')
  try {
    return Buffer.from(await readFile(file, 'utf8'), 'base64')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  await mkdir(dir, { recursive: true, mode: 0o700 })
  try {
    await writeFile(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' })
  } catch (e) {
    // Another process wrote it first: use theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  return Buffer.from(await readFile(file, 'utf8'), 'base64')
}
