import * as ort from 'onnxruntime-node'
import { tmpdir } from 'node:os'
import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { buildCropResizeGraph, type TCropResizeShape } from '../onnx/build-crop-resize-graph'
import { buildYuvCropResizeGraph } from '../onnx/build-yuv-crop-resize-graph'
import { OnnxSessionCache, type TExecutionProvider, type TLogger, type TSessionOptions } from '../onnx/OnnxSessionCache'
import { createLogger, type Logger } from '@montage/runtime/log'

const pinoLogger = (log: Logger): TLogger => ({ info: (m, meta) => log.info(meta ?? {}, m), warn: (m, meta) => log.warn(meta ?? {}, m) })

export interface TMediaEngineOptions {
  ffmpeg: TFfmpegPaths
  executionProvider?: TExecutionProvider
  logger?: TLogger
  /** Where renders keep their scratch files (default: the OS temp dir). */
  workDir?: string
  /** ONNX Runtime intra-op threads per session (default: ORT's choice, one per core). */
  intraOpThreads?: number
}

/** Crops and resizes one plate into frames; the plate tensor is built once per render. */
export interface TCropResizer {
  frame(roi: Float32Array): Promise<Uint8Array>
}

/**
 * The local media engine of one worker process: ffmpeg for media I/O, ONNX Runtime for per-frame
 * pixel work. It owns the session cache, so every render in the process shares compiled graphs.
 */
export class MediaEngine {
  readonly ffmpeg: TFfmpegPaths
  readonly workDir: string
  readonly logger: TLogger
  /** Where ONNX graphs run; our own kernels run on CPU threads either way. */
  readonly executionProvider: TExecutionProvider
  private readonly sessions: OnnxSessionCache

  constructor(options: TMediaEngineOptions) {
    this.ffmpeg = options.ffmpeg
    this.workDir = options.workDir ?? tmpdir()
    this.logger = options.logger ?? pinoLogger(createLogger('media-engine'))
    this.executionProvider = options.executionProvider ?? 'cpu'
    this.sessions = new OnnxSessionCache({
      executionProvider: this.executionProvider,
      logger: this.logger,
      intraOpThreads: options.intraOpThreads,
    })
  }

  /** The session of a graph, built on first use; `key` must name everything the graph bakes in. */
  session(key: string, build: () => Uint8Array, options?: TSessionOptions): Promise<ort.InferenceSession> {
    return this.sessions.get(key, build, options)
  }

  async cropResizer(plate: Uint8Array, shape: TCropResizeShape): Promise<TCropResizer> {
    const aa = shape.antialias === false ? 'noaa' : 'aa'
    const key = `crop_resize:${shape.inWidth}x${shape.inHeight}->${shape.outWidth}x${shape.outHeight}:${aa}`
    const session = await this.sessions.get(key, () => buildCropResizeGraph(shape))
    const plateTensor = new ort.Tensor('uint8', plate, [1, shape.inHeight, shape.inWidth, 3])
    return {
      async frame(roi) {
        const result = await session.run({ plate: plateTensor, roi: new ort.Tensor('float32', roi, [4]) })
        return result.frame!.data as Uint8Array
      },
    }
  }

  /**
   * Like cropResizer on a yuv420p plate (`yuv`: the Y, U and V planes back to back); frames come
   * out as yuv420p too. `roiY` and `roiC` are the luma and chroma planes' rois.
   */
  async yuvCropResizer(yuv: Uint8Array, shape: TCropResizeShape): Promise<{ frame(roiY: Float32Array, roiC: Float32Array): Promise<Uint8Array> }> {
    const aa = shape.antialias === false ? 'noaa' : 'aa'
    const key = `yuv_crop_resize:${shape.inWidth}x${shape.inHeight}->${shape.outWidth}x${shape.outHeight}:${aa}`
    const session = await this.sessions.get(key, () => buildYuvCropResizeGraph(shape))
    const { inWidth: w, inHeight: h, outWidth: ow, outHeight: oh } = shape
    const lumaBytes = w * h
    const chromaBytes = lumaBytes / 4
    const plane = (from: number, to: number) => Float32Array.from(yuv.subarray(from, to))
    const plate = {
      y: new ort.Tensor('float32', plane(0, lumaBytes), [1, 1, h, w]),
      u: new ort.Tensor('float32', plane(lumaBytes, lumaBytes + chromaBytes), [1, 1, h / 2, w / 2]),
      v: new ort.Tensor('float32', plane(lumaBytes + chromaBytes, lumaBytes + 2 * chromaBytes), [1, 1, h / 2, w / 2]),
    }
    return {
      async frame(roiY, roiC) {
        // ORT writes the three planes straight into views of the one yuv420p frame: no copies.
        const out = new Uint8Array((ow * oh * 3) / 2)
        const luma = ow * oh
        const fetches = {
          outY: new ort.Tensor('uint8', out.subarray(0, luma), [1, 1, oh, ow]),
          outU: new ort.Tensor('uint8', out.subarray(luma, luma * 1.25), [1, 1, oh / 2, ow / 2]),
          outV: new ort.Tensor('uint8', out.subarray(luma * 1.25, luma * 1.5), [1, 1, oh / 2, ow / 2]),
        }
        await session.run({ ...plate, roiY: new ort.Tensor('float32', roiY, [4]), roiC: new ort.Tensor('float32', roiC, [4]) }, fetches)
        return out
      },
    }
  }

  async close(): Promise<void> {
    await this.sessions.close()
  }
}
