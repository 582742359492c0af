import { ModelProto, OnnxAttributeType, OnnxDataType, type TOnnxDataType } from './onnx-proto'

/** A dimension is either fixed or a named symbol (`'frames'`). */
export type TDim = number | string

export type TAttributeValue = number | string | number[] | { floats: number[] } | { float: number }

interface TNode {
  op_type: string
  input: string[]
  output: string[]
  name: string
  attribute: object[]
}

/**
 * Builds an ONNX ModelProto one graph at a time. Integers attributes are distinguished from floats
 * explicitly (`{ float: 0.5 }`) because JavaScript numbers cannot tell `1` from `1.0`, and ONNX
 * Runtime rejects an attribute of the wrong type.
 */
export class OnnxGraphBuilder {
  private readonly nodes: TNode[] = []
  private readonly inputs: object[] = []
  private readonly outputs: object[] = []
  private readonly initializers: object[] = []

  constructor(
    private readonly name: string,
    private readonly opset = 18,
  ) {}

  input(name: string, elemType: TOnnxDataType, shape: TDim[]): this {
    this.inputs.push(valueInfo(name, elemType, shape))
    return this
  }

  output(name: string, elemType: TOnnxDataType, shape: TDim[]): this {
    this.outputs.push(valueInfo(name, elemType, shape))
    return this
  }

  /** A constant tensor baked into the graph (int64 values are given as plain numbers). */
  constant(name: string, elemType: typeof OnnxDataType.INT64 | typeof OnnxDataType.FLOAT, dims: number[], values: number[]): this {
    const tensor: Record<string, unknown> = { name, data_type: elemType, dims }
    if (elemType === OnnxDataType.INT64) tensor.int64_data = values
    else tensor.float_data = values
    this.initializers.push(tensor)
    return this
  }

  node(opType: string, inputs: string[], outputs: string[], attributes: Record<string, TAttributeValue> = {}): this {
    this.nodes.push({
      op_type: opType,
      input: inputs,
      output: outputs,
      name: `${opType.toLowerCase()}_${this.nodes.length}`,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    })
    return this
  }

  toBytes(): Uint8Array {
    const model = {
      // IR 8 pairs with opset 18 (ONNX 1.13), which is the first opset whose Resize takes `axes`.
      ir_version: 8,
      producer_name: 'montage-gpu-worker',
      opset_import: [{ domain: '', version: this.opset }],
      graph: {
        name: this.name,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
      },
    }
    const problem = ModelProto.verify(model)
    if (problem) throw new Error(`Invalid ONNX model ${this.name}: ${problem}`)
    return ModelProto.encode(ModelProto.fromObject(model)).finish()
  }
}

function valueInfo(name: string, elemType: TOnnxDataType, shape: TDim[]): object {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  }
}

function attribute(name: string, value: TAttributeValue): object {
  if (typeof value === 'string') return { name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(value) }
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`Attribute ${name}: use { float } for non-integer values`)
    return { name, type: OnnxAttributeType.INT, i: value }
  }
  if (Array.isArray(value)) return { name, type: OnnxAttributeType.INTS, ints: value }
  if ('floats' in value) return { name, type: OnnxAttributeType.FLOATS, floats: value.floats }
  return { name, type: OnnxAttributeType.FLOAT, f: value.float }
}
