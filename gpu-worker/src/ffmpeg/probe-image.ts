import { AppError, AppErrorCode } from '@montage/core'
import { ProcessError, runProcess } from './run-process'

export interface TImageInfo {
  width: number
  height: number
  codec: string
}

/** Plates are stills; anything else (a video, a document) is refused before decoding. */
const IMAGE_CODECS = new Set(['png', 'mjpeg', 'webp'])
export const MAX_IMAGE_SIDE = 8192

/**
 * Reads the size of an image with ffprobe. Throws UNSUPPORTED_MEDIA for anything that is not a
 * PNG, JPEG or WebP still, and PAYLOAD_TOO_LARGE past 8192 pixels a side, because a decoded
 * 16k plate alone would take most of a worker's memory.
 */
export async function probeImage(ffprobe: string, file: string, label: string, signal?: AbortSignal): Promise<TImageInfo> {
  let stdout: Buffer
  try {
    ;({ stdout } = await runProcess(
      ffprobe,
      ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', file],
      { signal, maxStdoutBytes: 1 << 16 },
    ))
  } catch (e) {
    if (e instanceof ProcessError) {
      const reason = e.stderr.trim().split('\n').at(-1)?.replace(`${file}: `, '') || e.message
      throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} is not a readable image (${reason})`, { cause: e })
    }
    throw e
  }
  const parsed = JSON.parse(stdout.toString('utf8')) as { streams?: { codec_name?: string; width?: number; height?: number }[] }
  const stream = parsed.streams?.[0]
  if (!stream || !stream.width || !stream.height) {
    throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} has no image stream`)
  }
  const codec = stream.codec_name ?? 'unknown'
  if (!IMAGE_CODECS.has(codec)) {
    throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} is ${codec}, expected a PNG, JPEG or WebP image`)
  }
  if (stream.width > MAX_IMAGE_SIDE || stream.height > MAX_IMAGE_SIDE) {
    throw new AppError(
      AppErrorCode.PAYLOAD_TOO_LARGE,
      `${label} is ${stream.width}×${stream.height}, larger than ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE}`,
    )
  }
  return { width: stream.width, height: stream.height, codec }
}
