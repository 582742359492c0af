import * as ort from 'onnxruntime-node'
import { buildLumaPyramidGraph } from '../../onnx/build-luma-pyramid-graph'
import { buildMotionInterpolateGraph } from '../../onnx/build-motion-interpolate-graph'
import type { TFrameShape } from '../../onnx/build-relight-graph'
import type { TFrameTransform } from '../frame-pipeline'
import type { MediaEngine } from '../MediaEngine'

type TPyramid = Record<'l2' | 'l3', ort.Tensor>

interface TSourceFrame {
  frame: Uint8Array
  pyramid: Promise<TPyramid>
}

/**
 * Doubles the frame rate: each source frame is kept, and an in-between, moved halfway along the
 * motion from its predecessor (buildMotionInterpolateGraph), is inserted before it; the last frame
 * is held once more, so N frames become 2N and the duration is unchanged. Each frame's luma
 * pyramid is computed once (its own session) and serves both pairs it belongs to.
 */
export async function interpolateTransform(engine: MediaEngine, shape: TFrameShape): Promise<TFrameTransform<Uint8Array>> {
  const size = `${shape.width}x${shape.height}`
  const [pyramidSession, motionSession] = await Promise.all([
    engine.session(`luma_pyramid:${size}`, () => buildLumaPyramidGraph(shape)),
    engine.session(`motion_interpolate:${size}`, () => buildMotionInterpolateGraph(shape)),
  ])
  const dims = [1, shape.height, shape.width, 3]
  let previous: TSourceFrame | undefined
  return {
    async push(frame) {
      // `previous` is read and replaced before the first await: calls start in frame order even though they overlap.
      const before = previous
      const pyramid = pyramidSession.run({ frame: new ort.Tensor('uint8', frame, dims) }) as Promise<TPyramid>
      // Awaited by the next push too; observed here so a failure on the last frame is not "unhandled".
      pyramid.catch(() => undefined)
      previous = { frame, pyramid }
      if (!before) {
        await pyramid
        return [frame]
      }
      const [pa, pb] = await Promise.all([before.pyramid, pyramid])
      const out = await motionSession.run({
        a: new ort.Tensor('uint8', before.frame, dims),
        b: new ort.Tensor('uint8', frame, dims),
        a2: pa.l2,
        a3: pa.l3,
        b2: pb.l2,
        b3: pb.l3,
      })
      return [out.out!.data as Uint8Array, frame]
    },
    async end() {
      return previous ? [previous.frame] : []
    },
  }
}
