import * as ort from 'onnxruntime-node'
import { tmpdir } from 'node:os'
import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { buildCropResizeGraph, type TCropResizeShape } from '../onnx/build-crop-resize-graph'
import { OnnxSessionCache, type TExecutionProvider, type TLogger } from '../onnx/OnnxSessionCache'

export interface TMediaEngineOptions {
  ffmpeg: TFfmpegPaths
  executionProvider?: TExecutionProvider
  logger?: TLogger
  /** Where renders keep their scratch files (default: the OS temp dir). */
  workDir?: string
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
  private readonly sessions: OnnxSessionCache

  constructor(options: TMediaEngineOptions) {
    this.ffmpeg = options.ffmpeg
    this.workDir = options.workDir ?? tmpdir()
    this.logger = options.logger ?? { info: (m, meta) => console.info(m, meta ?? ''), warn: (m, meta) => console.warn(m, meta ?? '') }
    this.sessions = new OnnxSessionCache({ executionProvider: options.executionProvider ?? 'cpu', logger: this.logger })
  }

  async cropResizer(plate: Uint8Array, shape: TCropResizeShape): Promise<TCropResizer> {
    const key = `crop_resize:${shape.inWidth}x${shape.inHeight}->${shape.outWidth}x${shape.outHeight}`
    const session = await this.sessions.get(key, () => buildCropResizeGraph(shape))
    const plateTensor = new ort.Tensor('uint8', plate, [1, shape.inHeight, shape.inWidth, 3])
    return {
      async frame(roi) {
        const result = await session.run({ plate: plateTensor, roi: new ort.Tensor('float32', roi, [4]) })
        return result.frame!.data as Uint8Array
      },
    }
  }

  async close(): Promise<void> {
    await this.sessions.close()
  }
}
