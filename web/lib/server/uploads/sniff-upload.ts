import { UPLOAD_LIMITS, type TUploadMimeType } from '@montage/core'

export interface TUploadType {
  kind: 'image' | 'video' | 'audio'
  mimeType: TUploadMimeType
  /** What a person calls it in a message: PNG, MP4 … */
  label: string
  maxBytes: number
}

function ascii(b: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...b.subarray(offset, offset + length))
}

const QUICKTIME_BRANDS = new Set(['qt  '])
/** ISO brands of an audio-only MP4 (iTunes' M4A, and its protected and audiobook kin). */
const M4A_BRANDS = new Set(['M4A ', 'M4B ', 'M4P '])

const audio = (mimeType: TUploadType['mimeType'], label: string): TUploadType => ({ kind: 'audio', mimeType, label, maxBytes: UPLOAD_LIMITS.audioBytes })

/**
 * An MPEG audio frame header: 11 sync bits, a defined version and layer, a bitrate index that is
 * neither free (0) nor bad (15) and a defined sample rate. Enough to tell an MP3 from text that
 * happens to start with 0xFF; whether the frames that follow decode is ffmpeg's to say.
 */
function isMpegAudioFrame(b: Uint8Array, at: number): boolean {
  if (b.length < at + 4) return false
  const [h0, h1, h2] = [b[at]!, b[at + 1]!, b[at + 2]!]
  if (h0 !== 0xff || (h1 & 0xe0) !== 0xe0) return false
  const version = (h1 >> 3) & 0x03
  const layer = (h1 >> 1) & 0x03
  const bitrate = (h2 >> 4) & 0x0f
  const rate = (h2 >> 2) & 0x03
  return version !== 0x01 && layer !== 0x00 && bitrate !== 0x00 && bitrate !== 0x0f && rate !== 0x03
}

/** An ADTS header (AAC's raw stream): 12 sync bits, then layer 00. */
function isAdtsFrame(b: Uint8Array, at: number): boolean {
  return b.length >= at + 7 && b[at] === 0xff && (b[at + 1]! & 0xf6) === 0xf0
}

/** Bytes an ID3v2 tag takes at the start of a file (header and body), or 0 when none is there. */
export function id3v2Length(b: Uint8Array): number {
  if (b.length < 10 || ascii(b, 0, 3) !== 'ID3') return 0
  // The size is four 7-bit bytes (synchsafe); a high bit set means this is no ID3 header.
  if ([6, 7, 8, 9].some((i) => b[i]! & 0x80)) return 0
  const size = (b[6]! << 21) | (b[7]! << 14) | (b[8]! << 7) | b[9]!
  const footer = b[5]! & 0x10 ? 10 : 0
  return 10 + size + footer
}

/**
 * The upload's type from its leading bytes (at least 16), whatever its name or Content-Type say.
 * An MP3 that opens with an ID3v2 tag is told by the frame sync right after the tag: `afterTag`
 * holds the 4 bytes there when `head` does not reach them (a tag with cover art can be megabytes),
 * and while neither has them the answer is `undefined`, "not yet".
 */
export function sniffUpload(head: Uint8Array, afterTag?: Uint8Array): TUploadType | null | undefined {
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
    if (M4A_BRANDS.has(brand)) return audio('audio/mp4', 'M4A')
    return QUICKTIME_BRANDS.has(brand)
      ? { kind: 'video', mimeType: 'video/quicktime', label: 'MOV', maxBytes: UPLOAD_LIMITS.videoBytes }
      : { kind: 'video', mimeType: 'video/mp4', label: 'MP4', maxBytes: UPLOAD_LIMITS.videoBytes }
  }
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) {
    return { kind: 'video', mimeType: 'video/webm', label: 'WebM', maxBytes: UPLOAD_LIMITS.videoBytes }
  }
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WAVE') return audio('audio/wav', 'WAV')
  const tag = id3v2Length(b)
  if (tag > 0) {
    // A tag says nothing about what follows it: a text file behind "ID3" is no MP3.
    const frame = b.length >= tag + 4 ? b.subarray(tag, tag + 4) : afterTag
    if (!frame || frame.length < 4) return undefined
    return isMpegAudioFrame(frame, 0) ? audio('audio/mpeg', 'MP3') : null
  }
  if (isAdtsFrame(b, 0)) return audio('audio/aac', 'AAC')
  if (isMpegAudioFrame(b, 0)) return audio('audio/mpeg', 'MP3')
  return null
}

/** A few words on what unrecognised bytes look like, for the refusal message. */
export function describeBytes(head: Uint8Array): string {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'a ZIP archive'
  if (ascii(head, 0, 5) === '%PDF-') return 'a PDF document'
  if (ascii(head, 0, 4) === 'GIF8') return 'a GIF image'
  if (id3v2Length(head) > 0) return 'an ID3 tag not followed by MP3 audio'
  if (head.length >= 12 && ascii(head, 4, 4) === 'ftyp') return `an ISO media file of brand ${ascii(head, 8, 4).trim()}, such as HEIC or AVIF`
  if (head.length > 0 && head.every((c) => c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c < 0x7f) || c >= 0x80)) {
    return /^\s*</.test(ascii(head, 0, Math.min(64, head.length))) ? 'HTML or XML text' : 'plain text'
  }
  return 'an unrecognised binary format'
}
