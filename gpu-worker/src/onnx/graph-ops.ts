import { OnnxDataType } from './onnx-proto'
import type { OnnxGraphBuilder, TAttributeValue } from './OnnxGraphBuilder'

export interface TGraphOps {
  /** Adds a one-output node named after its op and returns that name. */
  op(type: string, inputs: string[], attributes?: Record<string, TAttributeValue>): string
  /** Adds a float constant (int64 with `int64: true`) and returns its name. */
  constant(values: number[], dims?: number[], options?: { int64?: boolean }): string
}

/**
 * Expression-style helpers over a builder for graphs of many small steps, where naming every
 * intermediate by hand would drown what the graph computes.
 */
export function graphOps(g: OnnxGraphBuilder, prefix: string): TGraphOps {
  let n = 0
  return {
    op(type, inputs, attributes = {}) {
      const out = `${prefix}_${type.toLowerCase()}${n++}`
      g.node(type, inputs, [out], attributes)
      return out
    },
    constant(values, dims = [values.length], options = {}) {
      const name = `${prefix}_c${n++}`
      g.constant(name, options.int64 ? OnnxDataType.INT64 : OnnxDataType.FLOAT, dims, values)
      return name
    },
  }
}
