import * as ort from 'onnxruntime-node'
import { buildBlendGraph } from '../../onnx/build-blend-graph'
import type { TFrameShape } from '../../onnx/build-relight-graph'
import type { TFrameTransform } from '../frame-pipeline'
import type { MediaEngine } from '../MediaEngine'

/**
 * Doubles the frame rate: each source frame is kept, and an in-between (the mean of its
 * neighbours) is inserted before it; the last frame is held once more, so N frames become 2N and
 * the duration is unchanged.
 */
export async function interpolateTransform(engine: MediaEngine, shape: TFrameShape): Promise<TFrameTransform<Uint8Array>> {
  const session = await engine.session(`blend:${shape.width}x${shape.height}`, () => buildBlendGraph(shape))
  const dims = [1, shape.height, shape.width, 3]
  let previous: Uint8Array | undefined
  return {
    async push(frame) {
      // `previous` is read before the first await: calls start in frame order even though they overlap.
      const before = previous
      previous = frame
      if (!before) return [frame]
      const out = await session.run({ a: new ort.Tensor('uint8', before, dims), b: new ort.Tensor('uint8', frame, dims) })
      return [out.out!.data as Uint8Array, frame]
    },
    async end() {
      return previous ? [previous] : []
    },
  }
}
