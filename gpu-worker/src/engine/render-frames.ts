import path from 'node:path'
import { encodeJpeg } from '../ffmpeg/encode-jpeg'
import { Mp4FrameEncoder } from '../ffmpeg/Mp4FrameEncoder'
import { runFramePipeline, type TFrameSource, type TFrameTransform } from './frame-pipeline'
import type { MediaEngine } from './MediaEngine'
import type { TRenderStage } from './render-camera-move'

export interface TRenderFramesOptions<In> {
  source: TFrameSource<In>
  transform: TFrameTransform<In>
  width: number
  height: number
  /** `still`: one frame out, written as a PNG; `video`: an H.264 mp4 at `fps`. */
  output: { kind: 'still' } | { kind: 'video'; fps: { num: number; den: number }; expectedFrames: number }
  /** An existing folder the output and the poster are written into. */
  outDir: string
  signal?: AbortSignal
  onProgress?: (stage: TRenderStage, progress: number) => void
}

export interface TRenderedFrames {
  outputFile: string
  posterFile: string
  mimeType: 'video/mp4' | 'image/png'
  frames: number
}

/**
 * Runs an operation's frames through the pipeline into an mp4 (or a PNG for a still) and a JPEG
 * poster (the middle frame). ffmpeg is killed if `signal` aborts or anything fails.
 */
export async function renderFrames<In>(engine: MediaEngine, options: TRenderFramesOptions<In>): Promise<TRenderedFrames> {
  const { source, transform, width, height, output, outDir, signal, onProgress } = options
  const posterFile = path.join(outDir, 'poster.jpg')
  const ffmpeg = engine.ffmpeg.ffmpeg
  if (output.kind === 'still') {
    const outputFile = path.join(outDir, 'still.png')
    let still: Uint8Array | undefined
    await runFramePipeline({
      source,
      transform,
      signal,
      sink: async (frame) => {
        still ??= frame
      },
    })
    if (!still) throw new Error('The operation produced no frame')
    onProgress?.('encoding', 0)
    await encodeJpeg({ ffmpeg, rgb: still, width, height, outFile: outputFile, format: 'png', signal })
    await encodeJpeg({ ffmpeg, rgb: still, width, height, outFile: posterFile, signal })
    onProgress?.('encoding', 1)
    return { outputFile, posterFile, mimeType: 'image/png', frames: 1 }
  }

  const outputFile = path.join(outDir, 'clip.mp4')
  const posterIndex = Math.floor(output.expectedFrames / 2)
  const encoder = new Mp4FrameEncoder({ ffmpeg, width, height, fps: `${output.fps.num}/${output.fps.den}`, outFile: outputFile })
  const onAbort = () => void encoder.kill()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    // The poster is a copy (the middle frame, or the last of a clip shorter than expected): the
    // frames themselves go back to the transform once written.
    let poster: Uint8Array | undefined
    const frames = await runFramePipeline({
      source,
      transform,
      signal,
      sinkReleases: true,
      sink: async (frame, i) => {
        if (i <= posterIndex) (poster ??= new Uint8Array(frame.length)).set(frame)
        await encoder.writeFrame(frame)
        onProgress?.('rendering', Math.min(1, (i + 1) / output.expectedFrames))
      },
    })
    onProgress?.('encoding', 0)
    await encoder.finish()
    signal?.throwIfAborted()
    await encodeJpeg({ ffmpeg, rgb: poster!, width, height, outFile: posterFile, signal })
    onProgress?.('encoding', 1)
    return { outputFile, posterFile, mimeType: 'video/mp4', frames }
  } catch (e) {
    await encoder.kill()
    throw signal?.aborted ? signal.reason : e
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}
