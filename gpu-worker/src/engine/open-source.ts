import { AppError, AppErrorCode } from '@montage/core'
import { ProcessError, runProcess } from '../ffmpeg/run-process'
import type { FramePool } from '../ffmpeg/FramePool'
import { RawFrameReader } from '../ffmpeg/RawFrameReader'
import type { TMediaInfo } from '../ffmpeg/probe-media'
import type { TFrameSource } from './frame-pipeline'

/** Longest side the engine works at; larger sources are scaled down to it on decode. */
export const MAX_WORKING_SIDE = 3840

/** The size a source is worked on at: itself, fitted inside MAX_WORKING_SIDE, with even sides (yuv420p). */
export function workingSize(info: { width: number; height: number }, maxSide = MAX_WORKING_SIDE): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(info.width, info.height))
  const even = (v: number) => Math.max(2, 2 * Math.floor((v * scale) / 2))
  return { width: even(info.width), height: even(info.height) }
}

export interface TOpenSourceOptions {
  ffmpeg: string
  file: string
  label: string
  info: TMediaInfo
  width: number
  height: number
  pixFmt: 'rgb24' | 'rgba'
  /** `fill` scales to the size (the caller keeps the aspect); `contain` fits and pads with transparency. */
  fit: 'fill' | 'contain'
  /** A still repeats forever (a composite's still plate under a clip); otherwise it is one frame. */
  repeatStill?: boolean
  /** A clip's frames at this rate rather than its own (a composite's foreground at its plate's). */
  rate?: { num: number; den: number }
  /** Where a clip's frames are made (a kernel's memory: TFrameTransform.inputFrames); the reader's own by default. */
  frames?: FramePool
  signal?: AbortSignal
}

/**
 * The frames of a stored source at the working size, streamed. A clip is decoded at its own
 * constant frame rate by a RawFrameReader (which takes frames back to refill: `recycle`); a still
 * is decoded once, and its one frame, handed out again and again, is never refilled.
 */
export function openSource(options: TOpenSourceOptions): TFrameSource<Uint8Array> {
  const { ffmpeg, file, label, info, width, height, pixFmt, fit, repeatStill, rate: asked, frames: pool, signal } = options
  const filters =
    fit === 'fill'
      ? `scale=${width}:${height}:flags=bicubic`
      : `scale=${width}:${height}:force_original_aspect_ratio=decrease:flags=bicubic,format=rgba,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=black@0`
  if (info.kind === 'image') {
    return {
      async *[Symbol.asyncIterator]() {
        const expected = width * height * (pixFmt === 'rgba' ? 4 : 3)
        let frame: Uint8Array
        try {
          const { stdout } = await runProcess(
            ffmpeg,
            ['-v', 'error', '-nostdin', '-i', file, '-frames:v', '1', '-vf', filters, '-f', 'rawvideo', '-pix_fmt', pixFmt, '-'],
            { signal, maxStdoutBytes: expected },
          )
          if (stdout.length !== expected) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} decoded to ${stdout.length} bytes, expected ${expected}`)
          frame = new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length)
        } catch (e) {
          if (e instanceof ProcessError) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} could not be decoded (${e.message})`, { cause: e })
          throw e
        }
        do yield frame
        while (repeatStill)
      },
    }
  }
  const fps = asked ?? info.fps
  const rate = `${fps.num}/${fps.den}`
  // At another rate the clip decodes to proportionally more or fewer frames.
  const expectedFrames = (info.frames * (fps.num / fps.den)) / (info.fps.num / info.fps.den)
  // The decoder that keeps the alpha (VP9 in WebM), only when the alpha is wanted.
  const decoder = pixFmt === 'rgba' && info.alphaDecoder ? ['-c:v', info.alphaDecoder] : []
  let reader: RawFrameReader | undefined
  return {
    recycle: (frame) => reader?.recycle(frame),
    async *[Symbol.asyncIterator]() {
      const frames = new RawFrameReader({
        ffmpeg,
        // -xerror: a corrupt or truncated stream fails the job instead of quietly yielding fewer frames.
        args: ['-v', 'error', '-nostdin', '-xerror', ...decoder, '-i', file, '-map', '0:v:0', '-an', '-vf', `fps=${rate},${filters}`],
        pixFmt,
        width,
        height,
        frames: pool,
      })
      reader = frames
      const onAbort = () => frames.kill()
      signal?.addEventListener('abort', onAbort, { once: true })
      let count = 0
      try {
        for await (const frame of frames) {
          count++
          yield frame
        }
      } catch (e) {
        if (e instanceof ProcessError && !signal?.aborted) {
          throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} could not be decoded (${e.message})`, { cause: e })
        }
        throw e
      } finally {
        signal?.removeEventListener('abort', onAbort)
      }
      // A container whose index promises more than its data holds was cut short.
      if (count < Math.floor(expectedFrames * 0.9)) {
        throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} is truncated: ${count} of ${Math.round(expectedFrames)} frames could be decoded`)
      }
    },
  }
}
