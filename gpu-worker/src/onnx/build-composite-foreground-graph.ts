import { OnnxDataType } from './onnx-proto'
import { OnnxGraphBuilder } from './OnnxGraphBuilder'
import type { TFrameShape } from './build-relight-graph'
import { addCompositeConstants, addForegroundNodes, CHROMA_KEY_SCALARS, KEYED_FOREGROUND, type TCompositeGraphOptions } from './composite-nodes'

/**
 * The composite's foreground half alone: `fg` uint8 [1,H,W,4] (and, for a chroma key, the
 * CHROMA_KEY_SCALARS) → KEYED_FOREGROUND, the inputs of buildCompositeOverGraph. Run once for a
 * still foreground.
 */
export function buildCompositeForegroundGraph(shape: TFrameShape, options: TCompositeGraphOptions): Uint8Array {
  const { width, height } = shape
  const g = new OnnxGraphBuilder('composite_foreground').input('fg', OnnxDataType.UINT8, [1, height, width, 4])
  if (options.chroma) for (const name of CHROMA_KEY_SCALARS) g.input(name, OnnxDataType.FLOAT, [1])
  addCompositeConstants(g, shape)
  addForegroundNodes(g, options)
  for (const name of KEYED_FOREGROUND) g.output(name, OnnxDataType.FLOAT, name.startsWith('fgSum') ? [] : [height, width])
  return g.toBytes()
}
