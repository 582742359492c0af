import type { TCompositeParams } from '@montage/core'
import * as ort from 'onnxruntime-node'
import { buildCompositeGraph, COMPOSITE_SCALARS, type TCompositeScalar } from '../../onnx/build-composite-graph'
import type { TFrameShape } from '../../onnx/build-relight-graph'
import type { TFrameTransform } from '../frame-pipeline'
import type { MediaEngine } from '../MediaEngine'

/** One composite frame's inputs: the foreground as RGBA and the plate as RGB, same size. */
export interface TCompositeFrame {
  fg: Uint8Array
  bg: Uint8Array
}

/** Chroma distances are in Cb/Cr levels; the params' 0..1 scale maps onto half their range. */
const CHROMA_RANGE = 128

export function compositeScalars(params: TCompositeParams): Record<TCompositeScalar, number> {
  const hex = params.keyColor.slice(1)
  const [r, g, b] = [0, 2, 4].map((o) => parseInt(hex.slice(o, o + 2), 16)) as [number, number, number]
  const keyCb = -0.168736 * r - 0.331264 * g + 0.5 * b
  const keyCr = 0.5 * r - 0.418688 * g - 0.081312 * b
  if (params.key === 'alpha') return { keyCb, keyCr, keyA: 0, keyB: 1, match: params.match }
  const keyA = 1 / Math.max(1, params.softness * CHROMA_RANGE)
  return { keyCb, keyCr, keyA, keyB: -params.similarity * CHROMA_RANGE * keyA, match: params.match }
}

export async function compositeTransform(engine: MediaEngine, params: TCompositeParams, shape: TFrameShape): Promise<TFrameTransform<TCompositeFrame>> {
  const session = await engine.session(`composite:${shape.width}x${shape.height}`, () => buildCompositeGraph(shape))
  const scalars = compositeScalars(params)
  const feeds: Record<string, ort.Tensor> = {}
  for (const name of COMPOSITE_SCALARS) feeds[name] = new ort.Tensor('float32', Float32Array.of(scalars[name]), [1])
  return {
    async push({ fg, bg }) {
      const out = await session.run({
        ...feeds,
        fg: new ort.Tensor('uint8', fg, [1, shape.height, shape.width, 4]),
        bg: new ort.Tensor('uint8', bg, [1, shape.height, shape.width, 3]),
      })
      return [out.out!.data as Uint8Array]
    },
  }
}
