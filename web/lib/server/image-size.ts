/** Image types we accept, recognised by their leading bytes rather than a client's header. */
export type TImageMime = 'image/png' | 'image/jpeg' | 'image/webp'

export interface TImageInfo {
  mimeType: TImageMime
  width: number
  height: number
}

export function sniffImageType(b: Uint8Array): TImageMime | null {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'image/png'
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'image/webp'
  return null
}

/** Reads the pixel size from the file header; null when the header is truncated or malformed. */
export function readImageInfo(b: Uint8Array): TImageInfo | null {
  const mimeType = sniffImageType(b)
  if (!mimeType) return null
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const size = mimeType === 'image/png' ? pngSize(b, view) : mimeType === 'image/jpeg' ? jpegSize(b, view) : webpSize(b, view)
  if (!size || size.width <= 0 || size.height <= 0) return null
  return { mimeType, ...size }
}

type Size = { width: number; height: number } | null

function ascii(b: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...b.subarray(offset, offset + length))
}

function pngSize(b: Uint8Array, v: DataView): Size {
  // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4).
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null
  return { width: v.getUint32(16), height: v.getUint32(20) }
}

function jpegSize(b: Uint8Array, v: DataView): Size {
  let i = 2
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null
    const marker = b[i + 1]!
    if (marker === 0xff) {
      i += 1 // fill byte
      continue
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2 // markers without a length
      continue
    }
    const length = v.getUint16(i + 2)
    // SOF0–SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 > b.length) return null
      return { height: v.getUint16(i + 5), width: v.getUint16(i + 7) }
    }
    if (length < 2) return null
    i += 2 + length
  }
  return null
}

function webpSize(b: Uint8Array, v: DataView): Size {
  if (b.length < 30) return null
  const chunk = ascii(b, 12, 4)
  if (chunk === 'VP8 ') {
    // Key frame: start code 9d 01 2a at 23, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null
    return { width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff }
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return null
    const bits = v.getUint32(21, true)
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 }
  }
  if (chunk === 'VP8X') {
    const w = b[24]! | (b[25]! << 8) | (b[26]! << 16)
    const h = b[27]! | (b[28]! << 8) | (b[29]! << 16)
    return { width: w + 1, height: h + 1 }
  }
  return null
}
