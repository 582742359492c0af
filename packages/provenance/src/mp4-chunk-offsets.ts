interface TopBox {
  type: string
  offset: number
  size: number
  c2pa: boolean
}

/** The C2PA box's user type (C2PA 2.1, A.5): a `uuid` box with it holds a manifest store. */
const C2PA_UUID = 'd8fec3d61b0e483c92975828877ec481'

/**
 * After the C2PA box went in (or was replaced), the media data sits elsewhere in the file, but
 * the sample tables (`stco`, `co64` of every track) still hold absolute offsets into the old
 * layout; without this the signed file would not play. Each offset is moved with the top-level
 * box it pointed into (the boxes other than C2PA ones keep their order). Works in place on `after`.
 */
export function relocateChunkOffsets(before: Uint8Array, after: Uint8Array): void {
  const oldBoxes = topBoxes(before).filter((b) => !b.c2pa)
  const newBoxes = topBoxes(after).filter((b) => !b.c2pa)
  if (oldBoxes.length !== newBoxes.length || oldBoxes.some((b, i) => b.type !== newBoxes[i]!.type || b.size !== newBoxes[i]!.size)) {
    throw new Error('The MP4 boxes changed while inserting the manifest; cannot move the chunk offsets')
  }
  const move = (v: number): number => {
    const i = oldBoxes.findIndex((b) => v >= b.offset && v < b.offset + b.size)
    if (i < 0) throw new Error(`An MP4 chunk offset (${v}) points outside every box`)
    return v - oldBoxes[i]!.offset + newBoxes[i]!.offset
  }
  const view = new DataView(after.buffer, after.byteOffset, after.byteLength)
  forEachBox(after, 0, after.length, (type, body, end) => {
    if (type !== 'stco' && type !== 'co64') return
    const wide = type === 'co64'
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

function topBoxes(buf: Uint8Array): TopBox[] {
  const out: TopBox[] = []
  walk(buf, 0, buf.length, (type, offset, size, body) => {
    const c2pa = type === 'uuid' && Buffer.from(buf.subarray(body, body + 16)).toString('hex') === C2PA_UUID
    out.push({ type, offset, size, c2pa })
    return false
  })
  return out
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
