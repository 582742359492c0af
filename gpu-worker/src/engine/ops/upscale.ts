import * as ort from 'onnxruntime-node'
import { buildUpscaleGraph } from '../../onnx/build-upscale-graph'
import type { TFrameShape } from '../../onnx/build-relight-graph'
import type { TFrameTransform } from '../frame-pipeline'
import type { MediaEngine } from '../MediaEngine'

export async function upscaleTransform(engine: MediaEngine, factor: number, shape: TFrameShape): Promise<TFrameTransform<Uint8Array>> {
  const session = await engine.session(`upscale${factor}:${shape.width}x${shape.height}`, () => buildUpscaleGraph(shape, factor))
  const dims = [1, shape.height, shape.width, 3]
  return {
    async push(frame) {
      const out = await session.run({ frame: new ort.Tensor('uint8', frame, dims) })
      return [out.out!.data as Uint8Array]
    },
  }
}
