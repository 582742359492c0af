import { AppError, AppErrorCode, isLayeredMove, type TCameraKeyframe, type TCameraMove, type TEasing, type TLayeredCameraMove, type TPrevizLayers } from '@montage/core'
import path from 'node:path'
import { decodePlate } from '../ffmpeg/decode-plate'
import { encodeJpeg } from '../ffmpeg/encode-jpeg'
import { Mp4FrameEncoder } from '../ffmpeg/Mp4FrameEncoder'
import { probeImage, type TImageInfo } from '../ffmpeg/probe-image'
import { cameraWindow, roiForWindow } from './camera-window'
import { runFramePipeline, type TFrameTransform } from './frame-pipeline'
import { buildLayerStack, depthMasks, layeredMaxScale, layerWindows, matteMask, regionMask, renderLayers } from './layered-move'
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
  /** The framings of a `keyframes` move. */
  keyframes?: readonly TCameraKeyframe[]
  /** Which part of the plate is near, for a 2.5D move; a depth map or matte comes as `layerFile`. */
  layers?: TPrevizLayers
  /** The depth map or matte beside the plate (a still on disk), and how errors name it. */
  layerFile?: string
  layerLabel?: string
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
  const { plateFile, plateLabel, move, durationSeconds, fps, width, height, outDir, signal, onProgress } = options
  const image = await probeImage(engine.ffmpeg.ffprobe, plateFile, plateLabel, signal)
  const frames = Math.round(durationSeconds * fps)
  // A 2.5D move composes rgb layers on the CPU; the others crop and resize one yuv plate in the graph.
  const { pixFmt, transform } = isLayeredMove(move)
    ? { pixFmt: 'rgb24' as const, transform: await layeredTransform(engine, options, move, image) }
    : { pixFmt: 'yuv420p' as const, transform: await windowTransform(engine, options, image) }

  const posterIndex = Math.floor(frames / 2)
  const videoFile = path.join(outDir, 'clip.mp4')
  const posterFile = path.join(outDir, 'poster.jpg')

  const encoder = new Mp4FrameEncoder({ ffmpeg: engine.ffmpeg.ffmpeg, width, height, fps, outFile: videoFile, pixFmt })
  const onAbort = () => void encoder.kill()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    let poster: Uint8Array | undefined
    // Several frames in inference while the encoder takes the previous ones.
    await runFramePipeline({
      source: frameTimes(frames),
      transform,
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
    await encodeJpeg({ ffmpeg: engine.ffmpeg.ffmpeg, rgb: poster!, width, height, outFile: posterFile, signal, pixFmt })
    onProgress?.('encoding', 1)
    return { videoFile, posterFile, frames }
  } catch (e) {
    await encoder.kill()
    throw signal?.aborted ? signal.reason : e
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

/** Even sides: the plate is decoded to yuv420p, whose chroma planes are half size. */
function plateSize(width: number, height: number, scale: number) {
  return { width: 2 * Math.round((width * scale) / 2), height: 2 * Math.round((height * scale) / 2) }
}

/** One window over the plate a frame (push, pull, pan, tilt, keyframes), cropped and resized in the graph. */
async function windowTransform(engine: MediaEngine, options: TRenderCameraMoveOptions, image: TImageInfo): Promise<TFrameTransform<number>> {
  const { plateFile, plateLabel, move, zoom, easing, keyframes, width, height, signal } = options
  // The plate carries enough pixels for the deepest zoom, in quarter steps of zoom so that plates
  // of any source size share a handful of graph shapes (and so sessions).
  const maxZoom = move === 'static' ? 1 : move === 'keyframes' ? 1 / Math.min(...(keyframes ?? []).map((k) => k.size)) : zoom
  const plateScale = Math.ceil(maxZoom * 4) / 4
  const plate = plateSize(width, height, plateScale)
  const yuv = await decodePlate({ ffmpeg: engine.ffmpeg.ffmpeg, file: plateFile, label: plateLabel, image, ...plate, signal, pixFmt: 'yuv420p' })
  const resizer = await engine.yuvCropResizer(yuv, {
    inWidth: plate.width,
    inHeight: plate.height,
    outWidth: width,
    outHeight: height,
    antialias: options.antialias ?? plateScale > ANTIALIAS_ABOVE_DOWNSCALE,
  })
  const out = { width, height }
  const plateC = { width: plate.width / 2, height: plate.height / 2 }
  const outC = { width: width / 2, height: height / 2 }
  return {
    push: async (t) => {
      const window = cameraWindow(move, zoom, t, easing, keyframes)
      return [await resizer.frame(roiForWindow(window, plate, out), roiForWindow(window, plateC, outC))]
    },
  }
}

/** A 2.5D move: the plate cut into layers (drawn region, matte or depth map), each framed by its own window. */
async function layeredTransform(engine: MediaEngine, options: TRenderCameraMoveOptions, move: TLayeredCameraMove, image: TImageInfo): Promise<TFrameTransform<number>> {
  const { plateFile, plateLabel, zoom, easing, layers, layerFile, layerLabel = 'layer asset', width, height, signal } = options
  if (!layers) throw new AppError(AppErrorCode.BAD_REQUEST, `params.layers: ${move} needs layer information`, { field: 'params.layers' })
  const plate = plateSize(width, height, Math.ceil(layeredMaxScale(move, zoom) * 4) / 4)
  const ffmpeg = engine.ffmpeg.ffmpeg
  const rgb = await decodePlate({ ffmpeg, file: plateFile, label: plateLabel, image, ...plate, signal })
  let masks: Float32Array[]
  if (layers.source === 'region') {
    masks = [regionMask(layers.region, plate.width, plate.height)]
  } else {
    if (!layerFile) throw new AppError(AppErrorCode.BAD_REQUEST, `layerSha256: a ${layers.source} needs its image beside the plate`, { field: 'layerSha256' })
    // Cropped and scaled exactly as the plate, so the two line up pixel for pixel.
    const layerImage = await probeImage(engine.ffmpeg.ffprobe, layerFile, layerLabel, signal)
    masks =
      layers.source === 'depth'
        ? depthMasks(await decodePlate({ ffmpeg, file: layerFile, label: layerLabel, image: layerImage, ...plate, signal }), plate.width, plate.height)
        : [matteMask(await decodePlate({ ffmpeg, file: layerFile, label: layerLabel, image: layerImage, ...plate, signal, pixFmt: 'rgba' }), plate.width, plate.height)]
  }
  signal?.throwIfAborted()
  const stack = buildLayerStack(rgb, plate.width, plate.height, masks)
  return {
    push: async (t) => [renderLayers(stack, layerWindows(move, zoom, t, stack.nearness, easing), width, height)],
  }
}

/** The time (0 at the first frame, 1 at the last) of each frame of a move. */
async function* frameTimes(frames: number): AsyncGenerator<number> {
  for (let i = 0; i < frames; i++) yield frames === 1 ? 1 : i / (frames - 1)
}
