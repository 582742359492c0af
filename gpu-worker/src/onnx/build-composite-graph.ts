import { OnnxDataType } from './onnx-proto'
import { OnnxGraphBuilder } from './OnnxGraphBuilder'
import type { TFrameShape } from './build-relight-graph'
import { addCompositeConstants, addForegroundNodes, addOverNodes, CHROMA_KEY_SCALARS, type TCompositeGraphOptions } from './composite-nodes'

/**
 * A foreground over an environment plate, relit to match it, in one run: the graph for a
 * foreground that changes every frame. Inputs: `fg` uint8 [1,H,W,4] (RGBA; alpha 255 where the
 * source has none), `bg` uint8 [1,H,W,3], `match` float [1] and, for a chroma key, the
 * CHROMA_KEY_SCALARS; output `out` uint8 [1,H,W,3]. The maths is in composite-nodes.ts.
 */
export function buildCompositeGraph(shape: TFrameShape, options: TCompositeGraphOptions): Uint8Array {
  const { width, height } = shape
  const g = new OnnxGraphBuilder('composite')
    .input('fg', OnnxDataType.UINT8, [1, height, width, 4])
    .input('bg', OnnxDataType.UINT8, [1, height, width, 3])
    .input('match', OnnxDataType.FLOAT, [1])
  if (options.chroma) for (const name of CHROMA_KEY_SCALARS) g.input(name, OnnxDataType.FLOAT, [1])
  addCompositeConstants(g, shape)
  addForegroundNodes(g, options)
  addOverNodes(g, shape)
  return g.output('out', OnnxDataType.UINT8, [1, height, width, 3]).toBytes()
}
