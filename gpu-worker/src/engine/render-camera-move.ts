import type { TCameraMove } from '@montage/core'
import path from 'node:path'
import { decodePlate } from '../ffmpeg/decode-plate'
import { encodeJpeg } from '../ffmpeg/encode-jpeg'
import { Mp4FrameEncoder } from '../ffmpeg/Mp4FrameEncoder'
import { probeImage } from '../ffmpeg/probe-image'
import { cameraWindow, roiForWindow } from './camera-window'
import type { MediaEngine } from './MediaEngine'

export type TRenderStage = 'rendering' | 'encoding'

export interface TRenderCameraMoveOptions {
  /** The still image on disk. */
  plateFile: string
  /** How errors name the plate (`plate 3fa4…`). */
  plateLabel: string
  move: TCameraMove
  zoom: number
  durationSeconds: number
  fps: number
  width: number
  height: number
  /** An existing folder the mp4 and poster are written into. */
  outDir: string
  signal?: AbortSignal
  onProgress?: (stage: TRenderStage, progress: number) => void
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
  const { plateFile, plateLabel, move, zoom, durationSeconds, fps, width, height, outDir, signal, onProgress } = options
  const image = await probeImage(engine.ffmpeg.ffprobe, plateFile, plateLabel, signal)

  // The plate carries enough pixels for the deepest zoom, in quarter steps of zoom so that plates
  // of any source size share a handful of graph shapes (and so sessions).
  const maxZoom = move === 'static' ? 1 : zoom
  const plateScale = Math.ceil(maxZoom * 4) / 4
  const plate = { width: Math.round(width * plateScale), height: Math.round(height * plateScale) }
  const rgb = await decodePlate({ ffmpeg: engine.ffmpeg.ffmpeg, file: plateFile, label: plateLabel, image, ...plate, signal })
  const resizer = await engine.cropResizer(rgb, { inWidth: plate.width, inHeight: plate.height, outWidth: width, outHeight: height })

  const frames = Math.round(durationSeconds * fps)
  const posterIndex = Math.floor(frames / 2)
  const videoFile = path.join(outDir, 'clip.mp4')
  const posterFile = path.join(outDir, 'poster.jpg')
  const out = { width, height }

  const encoder = new Mp4FrameEncoder({ ffmpeg: engine.ffmpeg.ffmpeg, width, height, fps, outFile: videoFile })
  const onAbort = () => void encoder.kill()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    let poster: Uint8Array | undefined
    for (let i = 0; i < frames; i++) {
      signal?.throwIfAborted()
      const t = frames === 1 ? 1 : i / (frames - 1)
      const frame = await resizer.frame(roiForWindow(cameraWindow(move, zoom, t), plate, out))
      if (i === posterIndex) poster = frame
      await encoder.writeFrame(frame)
      onProgress?.('rendering', (i + 1) / frames)
    }
    onProgress?.('encoding', 0)
    await encoder.finish()
    signal?.throwIfAborted()
    await encodeJpeg({ ffmpeg: engine.ffmpeg.ffmpeg, rgb: poster!, width, height, outFile: posterFile, signal })
    onProgress?.('encoding', 1)
    return { videoFile, posterFile, frames }
  } catch (e) {
    await encoder.kill()
    throw signal?.aborted ? signal.reason : e
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}
