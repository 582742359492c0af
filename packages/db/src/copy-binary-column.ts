import type { Readable } from 'node:stream'

/** What a `COPY … (FORMAT binary)` stream starts with: `PGCOPY\n\377\r\n\0`. */
const SIGNATURE = Uint8Array.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00])

/**
 * The values of a one-column `COPY (…) TO STDOUT (FORMAT binary)`, in the order the query gave
 * them, each a view into one array that holds them all (copied once out of the socket's chunks).
 *
 * The binary format (PostgreSQL's documentation, "COPY", "Binary Format"): the signature, a 32-bit
 * flags field, a 32-bit length of a header extension and the extension; then each row as a 16-bit
 * field count and, per field, a 32-bit length (-1 for NULL) and that many bytes; then a count of -1.
 * All integers are big-endian. A `bytea` field's bytes are the value itself: no hex, no base64.
 */
export async function readBinaryCopyColumn(stream: Readable, what: string): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = []
  let total = 0
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Uint8Array) => {
      chunks.push(chunk)
      total += chunk.byteLength
    })
    stream.once('end', resolve)
    stream.once('error', reject)
  })
  // postgres.js pauses its connection when the stream refuses a chunk (more than 16 KB waiting to
  // be read, as when the data came before anyone listened) and resumes it only when the stream asks
  // for more. A stream that ended before asking again would leave the connection paused, the rest
  // of its answer unread, and its next statement waiting for good: ask once more.
  stream._read(0)
  const all = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.byteLength
  }
  return parseBinaryCopyColumn(all, what)
}

/** `readBinaryCopyColumn` for bytes already in hand. */
export function parseBinaryCopyColumn(bytes: Uint8Array, what: string): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const broken = (why: string) => new Error(`reading ${what}: the database's binary COPY ${why}`)
  const need = (at: number, n: number) => {
    if (at + n > bytes.byteLength) throw broken(`ends early (${bytes.byteLength} bytes)`)
  }
  need(0, SIGNATURE.length + 8)
  if (!SIGNATURE.every((b, i) => bytes[i] === b)) throw broken('does not start with its signature')
  let at = SIGNATURE.length + 4
  at += 4 + view.getUint32(at)
  const values: Uint8Array[] = []
  for (;;) {
    need(at, 2)
    const fields = view.getInt16(at)
    at += 2
    if (fields === -1) break
    if (fields !== 1) throw broken(`has a row of ${fields} fields where one was asked for`)
    need(at, 4)
    const length = view.getInt32(at)
    at += 4
    if (length < 0) throw broken('has a NULL value')
    need(at, length)
    values.push(bytes.subarray(at, at + length))
    at += length
  }
  return values
}
