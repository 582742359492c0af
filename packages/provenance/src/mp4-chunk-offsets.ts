/**
 * Once the C2PA box goes in (or an old one comes out), the media data sits elsewhere in the file,
 * but the sample tables (`stco`, `co64` of every track) still hold absolute offsets into the old
 * layout; without this the signed file would not play. Rewrites, in place, every chunk offset in
 * `moov` (the whole box, header included) through `move`.
 */
export function moveChunkOffsets(moov: Uint8Array, move: (offset: number) => number): void {
  const view = new DataView(moov.buffer, moov.byteOffset, moov.byteLength)
  forEachBox(moov, 0, moov.length, (type, body, end) => {
    if (type !== 'stco' && type !== 'co64') return
    const wide = type === 'co64'
    if (body + 8 > end) throw new Error(`MP4 ${type} box is too short to hold its entry count`)
    const count = view.getUint32(body + 4)
    const entry = wide ? 8 : 4
    if (body + 8 + count * entry > end) throw new Error(`MP4 ${type} declares ${count} entries, more than its box holds`)
    for (let i = 0; i < count; i++) {
      const at = body + 8 + i * entry
      if (wide) view.setBigUint64(at, BigInt(move(Number(view.getBigUint64(at)))))
      else {
        const v = move(view.getUint32(at))
        if (v > 0xffffffff) throw new Error('An MP4 chunk offset passes 4 GiB once the manifest is in (stco cannot hold it)')
        view.setUint32(at, v)
      }
    }
  })
}

/**
 * Where an offset of the old layout lands in the new one: each moves with the top-level box it
 * points into. `boxes` are the old boxes that stay, `to` their new offsets, in the same order.
 */
export function chunkOffsetMover(boxes: readonly { offset: number; size: number }[], to: readonly number[]): (offset: number) => number {
  return (v) => {
    const i = boxes.findIndex((b) => v >= b.offset && v < b.offset + b.size)
    if (i < 0) throw new Error(`An MP4 chunk offset (${v}) points outside every box`)
    return v - boxes[i]!.offset + to[i]!
  }
}

/**
 * Moves, in place, the absolute data offsets of a movie fragment (`moof`, the whole box): a track
 * fragment header (`tfhd`) with base-data-offset-present names where its data starts in the file.
 * Fragments that address their data relative to themselves (the muxers' default) have none.
 */
export function moveFragmentDataOffsets(moof: Uint8Array, move: (offset: number) => number): void {
  const view = new DataView(moof.buffer, moof.byteOffset, moof.byteLength)
  walk(moof, 0, moof.length, (type, offset, size, body) => {
    if (type === 'tfhd' && (moof[body + 3]! & 0x01) !== 0) {
      if (body + 16 > offset + size) throw new Error('MP4 tfhd box is too short for its base data offset')
      view.setBigUint64(body + 8, BigInt(move(Number(view.getBigUint64(body + 8)))))
    }
    return type === 'moof' || type === 'traf'
  })
}

/**
 * Moves, in place, the fragment offsets of a movie fragment random access box (`mfra`, the whole
 * box): each `tfra` entry names the absolute offset of the `moof` holding a sync sample.
 */
export function moveFragmentOffsets(mfra: Uint8Array, move: (offset: number) => number): void {
  const view = new DataView(mfra.buffer, mfra.byteOffset, mfra.byteLength)
  walk(mfra, 0, mfra.length, (type, offset, size, body) => {
    if (type !== 'tfra') return type === 'mfra'
    const end = offset + size
    if (body + 16 > end) throw new Error('MP4 tfra box is too short for its header')
    const wide = mfra[body] === 1
    const sizes = view.getUint32(body + 8)
    const indexBytes = ((sizes >> 4) & 3) + 1 + ((sizes >> 2) & 3) + 1 + (sizes & 3) + 1
    const count = view.getUint32(body + 12)
    const entry = (wide ? 16 : 8) + indexBytes
    if (body + 16 + count * entry > end) throw new Error(`MP4 tfra declares ${count} entries, more than its box holds`)
    for (let i = 0; i < count; i++) {
      const at = body + 16 + i * entry + (wide ? 8 : 4)
      if (wide) view.setBigUint64(at, BigInt(move(Number(view.getBigUint64(at)))))
      else {
        const v = move(view.getUint32(at))
        if (v > 0xffffffff) throw new Error('An MP4 fragment offset passes 4 GiB once the manifest is in')
        view.setUint32(at, v)
      }
    }
    return false
  })
}

/** Calls `visit` for every box on the way down to the sample tables (moov/trak/mdia/minf/stbl). */
function forEachBox(buf: Uint8Array, start: number, end: number, visit: (type: string, body: number, end: number) => void): void {
  walk(buf, start, end, (type, offset, size, body) => {
    visit(type, body, offset + size)
    return CONTAINERS.has(type)
  })
}

function walk(buf: Uint8Array, start: number, end: number, visit: (type: string, offset: number, size: number, body: number) => boolean): void {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let pos = start
  while (pos + 8 <= end) {
    let size = view.getUint32(pos)
    const type = String.fromCharCode(buf[pos + 4]!, buf[pos + 5]!, buf[pos + 6]!, buf[pos + 7]!)
    let header = 8
    if (size === 1) {
      size = Number(view.getBigUint64(pos + 8))
      header = 16
    } else if (size === 0) {
      size = end - pos
    }
    if (size < header || pos + size > end) throw new Error(`MP4 box '${type}' at ${pos} runs past its parent`)
    if (visit(type, pos, size, pos + header)) walk(buf, pos + header, pos + size, visit)
    pos += size
  }
}

/** Boxes whose payload is only child boxes, on the way from the top to the sample tables. */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl'])
