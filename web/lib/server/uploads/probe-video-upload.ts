import { execFile } from 'node:child_process'
import { AppError, AppErrorCode, UPLOAD_LIMITS } from '@montage/core'
import { decodeFirstFrame } from './decode-first-frame'
import { measureMediaDuration } from './measure-media-duration'
import { withoutSource } from './without-source'
import type { TUploadType } from './sniff-upload'

interface TProbeJson {
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number }[]
}

export interface TVideoFacts {
  width: number
  height: number
  durationMs: number
}

function ffprobe(bin: string, file: string): Promise<{ ok: true; json: TProbeJson } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    execFile(
      bin,
      ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', file],
      { maxBuffer: 1 << 20, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) {
          const reason = withoutSource(stderr.trim().split('\n').at(-1) ?? '', file) || error.message
          resolve({ ok: false, reason })
          return
        }
        try {
          resolve({ ok: true, json: JSON.parse(stdout) as TProbeJson })
        } catch {
          resolve({ ok: false, reason: 'ffprobe answered something that is not JSON' })
        }
      },
    )
  })
}

/**
 * Most packets a clip within the duration limit may hold: 60 s of 240 fps video and several
 * audio tracks is a fraction of it; a file past it is built to make the measuring slow.
 */
const MAX_PACKETS = 100_000

/**
 * Refuses a clip ffprobe cannot read (a truncated MP4 has no moov atom), one with no video, one
 * past the limits (its duration measured from its packets, not taken from its header), or one of
 * which no frame decodes. `source` is a local path or an http(s) URL (the staged bytes in a bucket).
 */
export async function probeVideoUpload(bins: { ffprobe: string; ffmpeg: string }, source: string, type: TUploadType): Promise<TVideoFacts> {
  const probe = await ffprobe(bins.ffprobe, source)
  if (!probe.ok) {
    throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label} cannot be read: it is truncated or damaged (${probe.reason}).`, { field: 'body' })
  }
  const video = probe.json.streams?.find((s) => s.codec_type === 'video' && s.width && s.height)
  if (!video) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label} has no video stream.`, { field: 'body' })
  const width = video.width!
  const height = video.height!
  const side = UPLOAD_LIMITS.videoMaxSide
  if (width > side || height > side) {
    throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `A ${width}×${height} video is over the ${side}×${side} limit.`, { field: 'body' })
  }
  const measured = await measureMediaDuration(bins.ffprobe, source, { maxSeconds: UPLOAD_LIMITS.videoMaxSeconds, maxPackets: MAX_PACKETS })
  if (!measured.ok && measured.reason === 'too-long') {
    // Measured only up to the packet past the limit: the clip is at least this long.
    throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `The video is over ${Math.floor(measured.seconds)} s long; videos can be at most ${UPLOAD_LIMITS.videoMaxSeconds} s.`, { field: 'body' })
  }
  if (!measured.ok) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label} cannot be read: it is truncated or damaged (${measured.detail}).`, { field: 'body' })
  if (!(measured.seconds > 0)) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label} has no duration: it is truncated or damaged.`, { field: 'body' })
  await decodeFirstFrame(bins.ffmpeg, source, type)
  return { width, height, durationMs: Math.round(measured.seconds * 1000) }
}
