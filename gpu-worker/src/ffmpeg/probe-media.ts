import { AppError, AppErrorCode } from '@montage/core'
import { open } from 'node:fs/promises'
import { ProcessError, runProcess } from './run-process'
import { MAX_IMAGE_SIDE } from './probe-image'

/** A still or a clip, as ffprobe sees it. */
export interface TMediaInfo {
  kind: 'image' | 'video'
  codec: string
  width: number
  height: number
  /** Whether the pixels carry an alpha channel (an RGBA PNG, ProRes 4444, VP9 with alpha). */
  hasAlpha: boolean
  /**
   * The decoder that reads the alpha, when ffmpeg's default one drops it: WebM keeps a VP9 clip's
   * alpha in a side channel (`alpha_mode=1`) that only libvpx decodes.
   */
  alphaDecoder?: string
  /** Frame rate as a rational (`24/1`, `30000/1001`); `0/1` for stills. */
  fps: { num: number; den: number }
  durationSeconds: number
  /** Frames the clip should decode to (duration × fps), 1 for a still. */
  frames: number
}

const IMAGE_CODECS = new Set(['png', 'mjpeg', 'webp'])
const IMAGE_FORMATS = /(^|,)(image2|png_pipe|jpeg_pipe|webp_pipe)(,|$)/
const VIDEO_CODECS = new Set(['h264', 'hevc', 'vp8', 'vp9', 'av1', 'prores', 'mpeg4', 'mjpeg', 'png', 'qtrle'])
export const MAX_VIDEO_SIDE = 4096
export const MAX_VIDEO_SECONDS = 60

interface TProbeJson {
  streams?: {
    codec_name?: string
    width?: number
    height?: number
    pix_fmt?: string
    r_frame_rate?: string
    avg_frame_rate?: string
    duration?: string
    tags?: { alpha_mode?: string; ALPHA_MODE?: string }
  }[]
  format?: { format_name?: string; duration?: string }
}

/**
 * Probes a stored source. Refuses, with a message naming `label`: anything ffprobe cannot read
 * (zero-length, truncated containers, bytes that are no media) and codecs we do not take
 * (UNSUPPORTED_MEDIA); stills over 8192 and clips over 4096 pixels a side or 60 s
 * (PAYLOAD_TOO_LARGE), before a single frame is decoded.
 */
export async function probeMedia(ffprobe: string, file: string, label: string, signal?: AbortSignal): Promise<TMediaInfo> {
  let stdout: Buffer
  try {
    ;({ stdout } = await runProcess(
      ffprobe,
      [
        '-v', 'error', '-select_streams', 'v:0',
        '-show_entries', 'stream=codec_name,width,height,pix_fmt,r_frame_rate,avg_frame_rate,duration:stream_tags=alpha_mode:format=format_name,duration',
        '-of', 'json', file,
      ],
      { signal, maxStdoutBytes: 1 << 16 },
    ))
  } catch (e) {
    if (e instanceof ProcessError) {
      const reason = e.stderr.trim().split('\n').at(-1)?.replace(`${file}: `, '') || e.message
      throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} is not a readable image or video (${reason})`, { cause: e })
    }
    throw e
  }
  const parsed = JSON.parse(stdout.toString('utf8')) as TProbeJson
  const stream = parsed.streams?.[0]
  if (!stream || !stream.width || !stream.height) {
    // ffmpeg will not even report the size of an image past its own limit (~16k²): read it from
    // the PNG header, so a huge image is refused as too large rather than as unreadable.
    const header = await pngSize(file)
    if (header && (header.width > MAX_IMAGE_SIDE || header.height > MAX_IMAGE_SIDE)) {
      throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `${label} is ${header.width}×${header.height}, larger than ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE}`)
    }
    throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} has no image or video stream`)
  }
  const codec = stream.codec_name ?? 'unknown'
  const { width, height } = stream
  // VP9 in WebM reports yuv420p and carries its alpha beside the picture, tagged alpha_mode=1.
  const sideAlpha = codec === 'vp9' && (stream.tags?.alpha_mode ?? stream.tags?.ALPHA_MODE) === '1'
  const hasAlpha = sideAlpha || /^(rgba|bgra|argb|abgr|ya|yuva|gbrap|pal8)/.test(stream.pix_fmt ?? '')
  const isImage = IMAGE_CODECS.has(codec) && IMAGE_FORMATS.test(parsed.format?.format_name ?? '')
  if (isImage) {
    if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
      throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `${label} is ${width}×${height}, larger than ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE}`)
    }
    return { kind: 'image', codec, width, height, hasAlpha, fps: { num: 0, den: 1 }, durationSeconds: 0, frames: 1 }
  }
  if (!VIDEO_CODECS.has(codec)) {
    throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} is ${codec}, expected a PNG, JPEG or WebP image or an H.264, HEVC, VP8/9, AV1 or ProRes video`)
  }
  if (width > MAX_VIDEO_SIDE || height > MAX_VIDEO_SIDE) {
    throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `${label} is a ${width}×${height} video, larger than ${MAX_VIDEO_SIDE}×${MAX_VIDEO_SIDE}`)
  }
  const fps = parseRate(stream.r_frame_rate) ?? parseRate(stream.avg_frame_rate)
  const durationSeconds = Number(stream.duration ?? parsed.format?.duration)
  if (!fps || !(durationSeconds > 0)) {
    throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} has no usable frame rate or duration`)
  }
  if (durationSeconds > MAX_VIDEO_SECONDS) {
    throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `${label} is ${durationSeconds.toFixed(1)} s long, longer than ${MAX_VIDEO_SECONDS} s`)
  }
  const frames = Math.max(1, Math.round((durationSeconds * fps.num) / fps.den))
  return { kind: 'video', codec, width, height, hasAlpha, ...(sideAlpha ? { alphaDecoder: 'libvpx-vp9' } : {}), fps, durationSeconds, frames }
}

function parseRate(rate: string | undefined): { num: number; den: number } | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(rate ?? '')
  if (!m) return undefined
  const num = Number(m[1])
  const den = Number(m[2])
  // ffprobe reports 90000/1 and the like for streams without a real rate.
  if (!num || !den || num / den > 240 || num / den < 1) return undefined
  return { num, den }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Width and height from a PNG's IHDR chunk, or undefined if the file is not a PNG. */
async function pngSize(file: string): Promise<{ width: number; height: number } | undefined> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(24)
    const { bytesRead } = await handle.read(head, 0, 24, 0)
    if (bytesRead < 24 || PNG_SIGNATURE.some((b, i) => head[i] !== b) || head.toString('ascii', 12, 16) !== 'IHDR') return undefined
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) }
  } finally {
    await handle.close()
  }
}
