import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'

const SHA256 = /^[a-f0-9]{64}$/

/** A name that is not a sha256 is refused before any path or key is built from it. */
export function assertSha256(sha256: string): void {
  if (!SHA256.test(sha256)) throw new Error(`Not a sha256: ${sha256}`)
}

/**
 * A pass-through stream that hashes and counts what flows through it, for a store that writes
 * bytes before it knows their name; `sha256()` and `byteSize()` are final once the stream ended.
 */
export function hashingStream(): { stream: Transform; sha256(): string; byteSize(): number } {
  const hash = createHash('sha256')
  let byteSize = 0
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk)
      byteSize += chunk.length
      done(null, chunk)
    },
  })
  return { stream, sha256: () => hash.digest('hex'), byteSize: () => byteSize }
}

/** The sha256 of a file on disk, read once as a stream. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hash)
  return hash.digest('hex')
}
