import { UPLOAD_LIMITS, type TUploadMimeType } from '@montage/core'

export interface TUploadType {
  kind: 'image' | 'video'
  mimeType: TUploadMimeType
  /** What a person calls it in a message: PNG, MP4 … */
  label: string
  maxBytes: number
}

function ascii(b: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...b.subarray(offset, offset + length))
}

const QUICKTIME_BRANDS = new Set(['qt  '])

/** The upload's type from its leading bytes (at least 16), whatever its name or Content-Type say. */
export function sniffUpload(head: Uint8Array): TUploadType | null {
  const b = head
  if (b.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)) {
    return { kind: 'image', mimeType: 'image/png', label: 'PNG', maxBytes: UPLOAD_LIMITS.imageBytes }
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: 'image', mimeType: 'image/jpeg', label: 'JPEG', maxBytes: UPLOAD_LIMITS.imageBytes }
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return { kind: 'image', mimeType: 'image/webp', label: 'WebP', maxBytes: UPLOAD_LIMITS.imageBytes }
  // ISO base media: a box size, then `ftyp` and the major brand.
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp') {
    const brand = ascii(b, 8, 4)
    // HEIC/AVIF stills share the container; they are not videos.
    if (/^(heic|heix|mif1|msf1|avif|avis)$/.test(brand)) return null
    return QUICKTIME_BRANDS.has(brand)
      ? { kind: 'video', mimeType: 'video/quicktime', label: 'MOV', maxBytes: UPLOAD_LIMITS.videoBytes }
      : { kind: 'video', mimeType: 'video/mp4', label: 'MP4', maxBytes: UPLOAD_LIMITS.videoBytes }
  }
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) {
    return { kind: 'video', mimeType: 'video/webm', label: 'WebM', maxBytes: UPLOAD_LIMITS.videoBytes }
  }
  return null
}

/** A few words on what unrecognised bytes look like, for the refusal message. */
export function describeBytes(head: Uint8Array): string {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'a ZIP archive'
  if (ascii(head, 0, 5) === '%PDF-') return 'a PDF document'
  if (ascii(head, 0, 4) === 'GIF8') return 'a GIF image'
  if (head.length >= 12 && ascii(head, 4, 4) === 'ftyp') return `an ISO media file of brand ${ascii(head, 8, 4).trim()}, such as HEIC or AVIF`
  if (head.length > 0 && head.every((c) => c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c < 0x7f) || c >= 0x80)) {
    return /^\s*</.test(ascii(head, 0, Math.min(64, head.length))) ? 'HTML or XML text' : 'plain text'
  }
  return 'an unrecognised binary format'
}
