import type { TCameraMove, TEasing } from '@montage/core'
import path from 'node:path'
import { decodePlate } from '../ffmpeg/decode-plate'
import { encodeJpeg } from '../ffmpeg/encode-jpeg'
import { Mp4FrameEncoder } from '../ffmpeg/Mp4FrameEncoder'
import { probeImage } from '../ffmpeg/probe-image'
import { cameraWindow, roiForWindow } from './camera-window'
import { runFramePipeline } from './frame-pipeline'
import type { MediaEngine } from './MediaEngine'

/**
 * Frames sample the plate down by up to its scale over the output (the zoom, in quarter steps).
 * Past this factor the linear filter's aliasing shows as shimmer on detailed plates, so the
 * antialiased Resize (measured ~2× the cost a frame) is used; under it the plain one is sharp
 * enough and keeps a 5 s 720p render well inside its budget.
 */
export const ANTIALIAS_ABOVE_DOWNSCALE = 1.5

export type TRenderStage = 'rendering' | 'encoding'

export interface TRenderCameraMoveOptions {
  /** The still image on disk. */
  plateFile: string
  /** How errors name the plate (`plate 3fa4…`). */
  plateLabel: string
  move: TCameraMove
  zoom: number
  easing?: TEasing
  durationSeconds: number
  fps: number
  width: number
  height: number
  /** An existing folder the mp4 and poster are written into. */
  outDir: string
  signal?: AbortSignal
  onProgress?: (stage: TRenderStage, progress: number) => void
  /** Force the antialiased (or plain) Resize; by default chosen by the plate's downscale. */
  antialias?: boolean
}

export interface TRenderedClip {
  videoFile: string
  posterFile: string
  frames: number
}

/**
 * Renders a camera move over a still into an H.264 mp4 and a JPEG poster (the middle frame).
 * Frames are produced and encoded one at a time; ffmpeg is killed if `signal` aborts.
 */
export async function renderCameraMove(engine: MediaEngine, options: TRenderCameraMoveOptions): Promise<TRenderedClip> {
  const { plateFile, plateLabel, move, zoom, easing, durationSeconds, fps, width, height, outDir, signal, onProgress } = options
  const image = await probeImage(engine.ffmpeg.ffprobe, plateFile, plateLabel, signal)

  // The plate carries enough pixels for the deepest zoom, in quarter steps of zoom so that plates
  // of any source size share a handful of graph shapes (and so sessions).
  const maxZoom = move === 'static' ? 1 : zoom
  const plateScale = Math.ceil(maxZoom * 4) / 4
  // Even sides: the plate is decoded to yuv420p, whose chroma planes are half size.
  const plate = { width: 2 * Math.round((width * plateScale) / 2), height: 2 * Math.round((height * plateScale) / 2) }
  const yuv = await decodePlate({ ffmpeg: engine.ffmpeg.ffmpeg, file: plateFile, label: plateLabel, image, ...plate, signal, pixFmt: 'yuv420p' })
  const resizer = await engine.yuvCropResizer(yuv, {
    inWidth: plate.width,
    inHeight: plate.height,
    outWidth: width,
    outHeight: height,
    antialias: options.antialias ?? plateScale > ANTIALIAS_ABOVE_DOWNSCALE,
  })

  const frames = Math.round(durationSeconds * fps)
  const posterIndex = Math.floor(frames / 2)
  const videoFile = path.join(outDir, 'clip.mp4')
  const posterFile = path.join(outDir, 'poster.jpg')
  const out = { width, height }
  const plateC = { width: plate.width / 2, height: plate.height / 2 }
  const outC = { width: width / 2, height: height / 2 }

  const encoder = new Mp4FrameEncoder({ ffmpeg: engine.ffmpeg.ffmpeg, width, height, fps, outFile: videoFile, pixFmt: 'yuv420p' })
  const onAbort = () => void encoder.kill()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    let poster: Uint8Array | undefined
    // Several frames in inference while the encoder takes the previous ones.
    await runFramePipeline({
      source: frameTimes(frames),
      transform: {
        push: async (t) => {
          const window = cameraWindow(move, zoom, t, easing)
          return [await resizer.frame(roiForWindow(window, plate, out), roiForWindow(window, plateC, outC))]
        },
      },
      depth: 3,
      signal,
      sink: async (frame, i) => {
        if (i === posterIndex) poster = frame
        await encoder.writeFrame(frame)
        onProgress?.('rendering', (i + 1) / frames)
      },
    })
    onProgress?.('encoding', 0)
    await encoder.finish()
    signal?.throwIfAborted()
    await encodeJpeg({ ffmpeg: engine.ffmpeg.ffmpeg, rgb: poster!, width, height, outFile: posterFile, signal, pixFmt: 'yuv420p' })
    onProgress?.('encoding', 1)
    return { videoFile, posterFile, frames }
  } catch (e) {
    await encoder.kill()
    throw signal?.aborted ? signal.reason : e
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

/** The time (0 at the first frame, 1 at the last) of each frame of a move. */
async function* frameTimes(frames: number): AsyncGenerator<number> {
  for (let i = 0; i < frames; i++) yield frames === 1 ? 1 : i / (frames - 1)
}
