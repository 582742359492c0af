import { AppError, AppErrorCode } from '@montage/core'
import { ProcessError, runProcess } from './run-process'
import type { TImageInfo } from './probe-image'

export interface TDecodePlateOptions {
  ffmpeg: string
  file: string
  label: string
  image: TImageInfo
  /** Size of the decoded plate; the image is centre-cropped to this aspect, then scaled. */
  width: number
  height: number
  signal?: AbortSignal
  /** rgb24 by default; yuv420p gives the three planes back to back (even sizes only); rgba keeps alpha. */
  pixFmt?: 'rgb24' | 'yuv420p' | 'rgba'
}

/**
 * Decodes a still to raw RGB24, centre-cropped to the output aspect and scaled with lanczos to a
 * fixed plate size. Doing the crop and the large resample once here means the per-frame graph
 * only ever resamples by at most the zoom factor, and plates of any size share a few sessions.
 */
export async function decodePlate(options: TDecodePlateOptions): Promise<Uint8Array> {
  const { ffmpeg, file, label, image, width, height, signal, pixFmt = 'rgb24' } = options
  const aspect = width / height
  const cropW = Math.min(image.width, Math.round(image.height * aspect))
  const cropH = Math.min(image.height, Math.round(cropW / aspect))
  const expected = pixFmt === 'rgb24' ? width * height * 3 : pixFmt === 'rgba' ? width * height * 4 : (width * height * 3) / 2
  try {
    const { stdout } = await runProcess(
      ffmpeg,
      [
        '-v', 'error', '-nostdin', '-i', file, '-frames:v', '1',
        '-vf', `crop=${cropW}:${cropH},scale=${width}:${height}:flags=lanczos`,
        '-f', 'rawvideo', '-pix_fmt', pixFmt, '-',
      ],
      { signal, maxStdoutBytes: expected },
    )
    if (stdout.length !== expected) {
      throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} decoded to ${stdout.length} bytes, expected ${expected}`)
    }
    return new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length)
  } catch (e) {
    if (e instanceof ProcessError) {
      throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} could not be decoded (${e.message})`, { cause: e })
    }
    throw e
  }
}
