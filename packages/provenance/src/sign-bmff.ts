import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { BMFFHashAssertion } from '@trustnxt/c2pa-ts/manifest'
import { C2PA_USER_TYPE, topBoxPieces, type TTopBox } from './bmff-top-boxes'
import { buildManifest } from './build-manifest'
import { chunkOffsetMover, moveChunkOffsets, moveFragmentDataOffsets, moveFragmentOffsets } from './mp4-chunk-offsets'
import { ZProvenanceClaim, type TProvenanceClaim } from './provenance-claim'
import { ProvenanceInputError } from './provenance-input-error'
import type { TSigningCredentials } from './signing-credentials'

export type TBmffFormat = 'video/mp4' | 'video/quicktime'

export interface SignBmffOptions {
  /**
   * Opens the file from its first byte. Called three times (its layout, its hash, the signed copy),
   * each read once as a stream; the file must not change in between (stored blobs never do).
   */
  open(): Promise<AsyncIterable<Buffer | Uint8Array>>
  format: TBmffFormat
  claim: TProvenanceClaim
  credentials: TSigningCredentials
  /** Names the file in errors. */
  what?: string
}

export interface TSignedBmff {
  /** The signed copy's length in bytes, known before it is written. */
  byteSize: number
  /** The signed copy as a stream (opens the source once more). It fails, at its end, if the source changed since it was hashed. */
  open(): Promise<Readable>
}

/** The largest `moov` we hold while moving its chunk offsets (an hour of 60 fps video needs a few MB). */
export const MAX_MOOV_BYTES = 64 * 1024 * 1024
const MAX_FTYP_BYTES = 64 * 1024

/** The C2PA box's header up to its manifest: size, `uuid`, user type, FullBox version and flags, purpose, merkle offset. */
const C2PA_BOX_HEADER = 8 + 16 + 4 + 'manifest\0'.length + 8

/** Boxes an MP4 or MOV may start with (QuickTime files may open with padding or their index). */
const FIRST_BOXES = new Set(['ftyp', 'wide', 'free', 'skip', 'moov', 'mdat', 'pnot', 'uuid'])

/** Boxes the BMFF hash leaves out (the assertion's exclusions, as c2pa-ts writes them): the manifest's own box, `ftyp` and `mfra`. */
const UNHASHED = new Set(['ftyp', 'mfra'])

/**
 * Embeds Content Credentials in an MP4 or MOV without holding it: the file is read as a stream
 * three times and only its `ftyp` and `moov` boxes are kept in memory. The layout pass finds the
 * top-level boxes; the new one (C2PA 2.1, A.5: a `uuid` box holding the manifest store) goes
 * right after `ftyp`, any old manifest box comes out, and the sample tables' chunk offsets move
 * with the data. The hash pass takes the BMFF v3 hash of the file as it will be written (each
 * hashed box preceded by its new offset as 8 bytes, the manifest box, `ftyp` and `mfra` left out),
 * so the manifest can be signed before a byte is written. The copy is then streamed: `ftyp`, the
 * manifest box, the moved `moov` and every other box as read. A fragmented file's fragments are
 * read one at a time and any absolute data offset in them moved, and its `mfra` index moved too.
 */
export async function signBmff(opts: SignBmffOptions): Promise<TSignedBmff> {
  const what = opts.what ?? 'The file'
  const claim = ZProvenanceClaim.parse(opts.claim)
  const { store, manifest } = buildManifest(claim, opts.format, opts.credentials)
  const hash = BMFFHashAssertion.createV3('jumbf manifest', 'SHA-256')
  manifest.addAssertion(hash)
  // The hash is a fixed-length placeholder until it is known, so the store's size is final now.
  const manifestLength = store.measureSize()

  const layout = planLayout(await scan(await opts.open(), what), C2PA_BOX_HEADER + manifestLength, what)

  const digest = createHash('sha256')
  for await (const piece of signedPieces(await opts.open(), layout, null, what)) {
    if (piece.marker !== undefined) digest.update(offsetMarker(piece.marker))
    if (piece.hashed) digest.update(piece.bytes)
  }
  const fileHash = new Uint8Array(digest.digest())
  hash.hash = fileHash
  await manifest.sign(opts.credentials.signer)
  const jumbf = store.getBytes()
  if (jumbf.length !== manifestLength) throw new Error(`The signed manifest store is ${jumbf.length} bytes, not the ${manifestLength} measured for it`)
  const c2paBox = manifestBox(jumbf)

  return {
    byteSize: layout.byteSize,
    open: async () => {
      const source = await opts.open()
      return Readable.from(
        (async function* () {
          // Hashed again on the way out: a source that changed since would leave a copy whose manifest lies.
          const check = createHash('sha256')
          for await (const piece of signedPieces(source, layout, c2paBox, what)) {
            if (piece.marker !== undefined) check.update(offsetMarker(piece.marker))
            if (piece.hashed) check.update(piece.bytes)
            yield piece.bytes
          }
          if (!check.digest().equals(fileHash)) throw new Error(`${what} changed while it was being signed; its signed copy is not valid`)
        })(),
      )
    },
  }
}

interface TScan {
  boxes: TTopBox[]
  ftyp: Buffer
  moov: Buffer
  /** The fragments' random-access index, when the file has one (its offsets are absolute). */
  mfra: Buffer | null
}

/** Boxes kept whole from the layout pass, and the most of each read. */
const KEPT: Record<string, number> = { ftyp: MAX_FTYP_BYTES, moov: MAX_MOOV_BYTES, mfra: MAX_MOOV_BYTES }
/** A movie fragment is read whole, one at a time, in the later passes (its data offsets may move). */
const MAX_MOOF_BYTES = 16 * 1024 * 1024

/** The first pass: every top-level box, and the bytes of `ftyp`, `moov` and `mfra`. */
async function scan(source: AsyncIterable<Buffer | Uint8Array>, what: string): Promise<TScan> {
  const boxes: TTopBox[] = []
  const whole = new Map<string, Buffer>()
  let reading: { type: string; pieces: Buffer[] } | null = null
  const done = () => {
    if (!reading) return
    if (whole.has(reading.type)) throw new ProvenanceInputError(`${what} has more than one '${reading.type}' box: it is not a readable MP4/MOV`)
    whole.set(reading.type, Buffer.concat(reading.pieces))
    reading = null
  }
  for await (const piece of topBoxPieces(source, what)) {
    const { box } = piece
    if (piece.first) {
      done()
      if (!boxes.length && !FIRST_BOXES.has(box.type)) throw new ProvenanceInputError(`${what} is not a readable MP4/MOV (it does not start with a box such as 'ftyp')`)
      boxes.push(box)
      if (box.type === 'moof' && (box.size < 0 || box.size > MAX_MOOF_BYTES)) throw new ProvenanceInputError(`${what} has a 'moof' box of ${box.size < 0 ? 'unstated' : box.size} bytes; the most read is ${MAX_MOOF_BYTES}`)
      const max = KEPT[box.type]
      if (max !== undefined) {
        if (box.size > max) throw new ProvenanceInputError(`${what} has a '${box.type}' box of ${box.size} bytes; the most read is ${max}`)
        reading = { type: box.type, pieces: [] }
      }
    }
    reading?.pieces.push(Buffer.from(piece.bytes))
  }
  done()
  const ftyp = whole.get('ftyp')
  const moov = whole.get('moov')
  if (!ftyp) throw new ProvenanceInputError(`${what} is not a readable MP4/MOV (it has no 'ftyp' box)`)
  if (!moov) throw new ProvenanceInputError(`${what} is not a readable MP4/MOV (it has no 'moov' box)`)
  // A segment index counts its references from its own end: the boxes after it must move together.
  const sidx = boxes.findIndex((b) => b.type === 'sidx')
  if (sidx >= 0 && boxes.slice(sidx).some((b) => b.c2pa)) throw new ProvenanceInputError(`${what} has an old manifest after its segment index; it cannot be re-signed in place`)
  return { boxes, ftyp, moov, mfra: whole.get('mfra') ?? null }
}

interface TLayout {
  /** The source's boxes in order, each with where it goes in the copy (undefined: left out, an old manifest box). */
  boxes: { box: TTopBox; to?: number }[]
  ftyp: Buffer
  /** `moov` with its chunk offsets moved. */
  moov: Buffer
  /** `mfra` with its fragments' offsets moved. */
  mfra: Buffer | null
  /** Moves an offset of the source to where its byte is in the copy. */
  move: (offset: number) => number
  byteSize: number
}

/** Where each box goes once the manifest box (`c2paSize` bytes) follows `ftyp` and old manifest boxes are gone. */
function planLayout(found: TScan, c2paSize: number, what: string): TLayout {
  let at = 0
  const boxes: TLayout['boxes'] = []
  for (const box of found.boxes) {
    if (box.c2pa) {
      boxes.push({ box })
      continue
    }
    boxes.push({ box, to: at })
    at += box.size
    if (box.type === 'ftyp') at += c2paSize
  }
  const staying = boxes.filter((b) => b.to !== undefined)
  const move = chunkOffsetMover(staying.map((b) => b.box), staying.map((b) => b.to!))
  const moov = Buffer.from(found.moov)
  const mfra = found.mfra && Buffer.from(found.mfra)
  try {
    moveChunkOffsets(moov, move)
    if (mfra) moveFragmentOffsets(mfra, move)
  } catch (e) {
    throw new ProvenanceInputError(`${what} cannot be signed in place: ${(e as Error).message}`)
  }
  return { boxes, ftyp: found.ftyp, moov, mfra, move, byteSize: at }
}

interface TOutPiece {
  bytes: Buffer
  /** Part of the BMFF hash. */
  hashed: boolean
  /** The new offset of the box this piece starts, hashed before it. */
  marker?: number
}

/** The signed copy's bytes in order, from a fresh read of the source (`c2paBox` null: its place is skipped, as the hash skips it). */
async function* signedPieces(source: AsyncIterable<Buffer | Uint8Array>, layout: TLayout, c2paBox: Buffer | null, what: string): AsyncGenerator<TOutPiece> {
  let i = -1
  const changed = () => new Error(`${what} changed while it was being signed (its boxes differ between reads)`)
  let moof: Buffer[] = []
  for await (const piece of topBoxPieces(source, what)) {
    if (piece.first) {
      const expected = layout.boxes[++i]?.box
      if (!expected || expected.type !== piece.box.type || expected.offset !== piece.box.offset || (piece.box.size !== -1 && expected.size !== piece.box.size)) throw changed()
    }
    const { box, to } = layout.boxes[i]!
    if (to === undefined) continue
    if (box.type === 'ftyp' || box.type === 'moov' || box.type === 'mfra') {
      if (!piece.first) continue
      if (box.type === 'ftyp') {
        yield { bytes: layout.ftyp, hashed: false }
        if (c2paBox) yield { bytes: c2paBox, hashed: false }
      } else if (box.type === 'moov') {
        yield { bytes: layout.moov, hashed: true, marker: to }
      } else {
        yield { bytes: layout.mfra!, hashed: false }
      }
      continue
    }
    if (box.type === 'moof') {
      // Held until whole, so the data offsets its track fragments may state can move with the data.
      moof.push(Buffer.from(piece.bytes))
      const bytes = Buffer.concat(moof)
      if (bytes.length < box.size) {
        moof = [bytes]
        continue
      }
      moof = []
      try {
        moveFragmentDataOffsets(bytes, layout.move)
      } catch (e) {
        throw new ProvenanceInputError(`${what} cannot be signed in place: ${(e as Error).message}`)
      }
      yield { bytes, hashed: true, marker: to }
      continue
    }
    const hashed = !UNHASHED.has(box.type)
    yield { bytes: piece.bytes, hashed, marker: hashed && piece.first ? to : undefined }
  }
  if (i !== layout.boxes.length - 1) throw changed()
}

/** The manifest store in its box: size, `uuid`, the C2PA user type, version 0 and no flags, purpose "manifest", no merkle boxes. */
function manifestBox(jumbf: Uint8Array): Buffer {
  const box = Buffer.alloc(C2PA_BOX_HEADER + jumbf.length)
  box.writeUInt32BE(box.length, 0)
  box.write('uuid', 4, 'latin1')
  C2PA_USER_TYPE.copy(box, 8)
  // 24..27: FullBox version and flags, all zero.
  box.write('manifest\0', 28, 'latin1')
  // 37..44: the offset of the first merkle box, zero: there is none.
  box.set(jumbf, C2PA_BOX_HEADER)
  return box
}

function offsetMarker(offset: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(BigInt(offset))
  return b
}
