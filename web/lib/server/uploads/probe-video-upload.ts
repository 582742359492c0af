import { execFile } from 'node:child_process'
import { AppError, AppErrorCode, UPLOAD_LIMITS } from '@montage/core'
import type { TUploadType } from './sniff-upload'

interface TProbeJson {
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; duration?: string }[]
  format?: { duration?: string }
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
      ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height,duration:format=duration', '-of', 'json', file],
      { maxBuffer: 1 << 20, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) {
          const reason = stderr.trim().split('\n').at(-1)?.replace(`${file}: `, '') || error.message
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

/** Refuses a clip ffprobe cannot read (a truncated MP4 has no moov atom), one with no video, or one past the limits. */
export async function probeVideoUpload(ffprobeBin: string, file: string, type: TUploadType): Promise<TVideoFacts> {
  const probe = await ffprobe(ffprobeBin, file)
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
  const seconds = Number(probe.json.format?.duration ?? video.duration)
  if (!(seconds > 0)) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label} has no duration: it is truncated or damaged.`, { field: 'body' })
  if (seconds > UPLOAD_LIMITS.videoMaxSeconds) {
    throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `The video is ${seconds.toFixed(1)} s long; videos can be at most ${UPLOAD_LIMITS.videoMaxSeconds} s.`, { field: 'body' })
  }
  return { width, height, durationMs: Math.round(seconds * 1000) }
}
