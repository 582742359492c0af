import { ProvenanceInputError } from './provenance-input-error'

/** A top-level box of an ISO BMFF file (MP4, MOV), as found in the stream. */
export interface TTopBox {
  type: string
  /** Where the box starts in the file. */
  offset: number
  /** Its whole length, header included; a box declared as running to the end of the file gets its length at the end. */
  size: number
  /** True for a C2PA manifest store box (`uuid` with the C2PA user type). */
  c2pa: boolean
}

/** A piece of one box's bytes, in file order. `first` marks the piece its header starts. */
export interface TBoxPiece {
  box: TTopBox
  bytes: Buffer
  first: boolean
}

/** The C2PA box's user type (C2PA 2.1, A.5): a `uuid` box with it holds a manifest store. */
export const C2PA_USER_TYPE = Buffer.from('d8fec3d61b0e483c92975828877ec481', 'hex')

/**
 * Splits a BMFF byte stream into the pieces of its top-level boxes, without holding more than the
 * stream's own chunks and one box header: each box's header (with a `uuid` box's user type, so a
 * C2PA box is known from its first piece) is read before its first piece is given out. A header
 * or box cut short by the end of the stream is refused, in words.
 */
export async function* topBoxPieces(source: AsyncIterable<Buffer | Uint8Array>, what = 'The file'): AsyncGenerator<TBoxPiece, number> {
  let pending: Buffer = Buffer.alloc(0)
  let offset = 0
  let box: TTopBox | null = null
  let left = 0
  let toEnd = false
  let first = false
  for await (const chunk of source) {
    let buf = pending.length ? Buffer.concat([pending, chunk]) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    pending = Buffer.alloc(0)
    while (buf.length) {
      if (!box) {
        const header = readHeader(buf, offset, what)
        if (!header) {
          pending = buf
          break
        }
        box = header.box
        toEnd = header.toEnd
        left = toEnd ? Infinity : box.size
        first = true
      }
      const n = Math.min(left, buf.length)
      yield { box, bytes: buf.subarray(0, n), first }
      first = false
      offset += n
      left -= n
      buf = buf.subarray(n)
      if (left === 0) box = null
    }
  }
  if (pending.length) throw new ProvenanceInputError(`${what} ends inside a box header at byte ${offset}: it is not a complete MP4/MOV`)
  if (box && toEnd) box.size = offset - box.offset
  else if (box) throw new ProvenanceInputError(`${what} ends ${left} bytes before the end of its '${box.type}' box: it is not a complete MP4/MOV`)
  return offset
}

/** The box starting at `buf[0]` (file offset `offset`), or null when `buf` does not yet hold its whole header. */
function readHeader(buf: Buffer, offset: number, what: string): { box: TTopBox; toEnd: boolean } | null {
  if (buf.length < 8) return null
  const declared = buf.readUInt32BE(0)
  const type = buf.toString('latin1', 4, 8)
  let headerSize = 8
  let size = declared
  if (declared === 1) {
    if (buf.length < 16) return null
    const large = buf.readBigUInt64BE(8)
    if (large > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProvenanceInputError(`${what} declares a '${type}' box of ${large} bytes, too large to read`)
    size = Number(large)
    headerSize = 16
  }
  const userTypeEnd = headerSize + 16
  if (type === 'uuid' && buf.length < userTypeEnd) return null
  if (declared !== 0 && size < (type === 'uuid' ? userTypeEnd : headerSize)) {
    throw new ProvenanceInputError(`${what} has a '${printable(type)}' box at byte ${offset} of ${size} bytes, shorter than its header: it is not a readable MP4/MOV`)
  }
  const c2pa = type === 'uuid' && buf.subarray(headerSize, userTypeEnd).equals(C2PA_USER_TYPE)
  return { box: { type, offset, size: declared === 0 ? -1 : size, c2pa }, toEnd: declared === 0 }
}

function printable(type: string): string {
  return /^[\x20-\x7e]{4}$/.test(type) ? type : Buffer.from(type, 'latin1').toString('hex')
}
