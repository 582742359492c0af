import { OnnxDataType } from './onnx-proto'
import { OnnxGraphBuilder } from './OnnxGraphBuilder'
import type { TFrameShape } from './build-relight-graph'
import { addCompositeConstants, addOverNodes, KEYED_FOREGROUND } from './composite-nodes'

/**
 * The composite's over half alone: KEYED_FOREGROUND (from buildCompositeForegroundGraph), `bg`
 * uint8 [1,H,W,3] and `match` float [1] → `out` uint8 [1,H,W,3]. The per-frame graph under a
 * still foreground.
 */
export function buildCompositeOverGraph(shape: TFrameShape): Uint8Array {
  const { width, height } = shape
  const g = new OnnxGraphBuilder('composite_over')
  for (const name of KEYED_FOREGROUND) g.input(name, OnnxDataType.FLOAT, name.startsWith('fgSum') ? [] : [height, width])
  g.input('bg', OnnxDataType.UINT8, [1, height, width, 3]).input('match', OnnxDataType.FLOAT, [1])
  addCompositeConstants(g, shape)
  addOverNodes(g, shape)
  return g.output('out', OnnxDataType.UINT8, [1, height, width, 3]).toBytes()
}
