import type { TCompositeParams } from '@montage/core'
import * as ort from 'onnxruntime-node'
import { buildCompositeForegroundGraph } from '../../onnx/build-composite-foreground-graph'
import { buildCompositeGraph } from '../../onnx/build-composite-graph'
import { buildCompositeOverGraph } from '../../onnx/build-composite-over-graph'
import type { TFrameShape } from '../../onnx/build-relight-graph'
import { KEYED_FOREGROUND, type TChromaKeyScalar } from '../../onnx/composite-nodes'
import { compositeModule, compositeScratchBytes } from '../kernels/composite-kernel'
import { KernelWorker } from '../kernels/KernelWorker'
import type { TFrameTransform } from '../frame-pipeline'
import type { MediaEngine } from '../MediaEngine'

/** One composite frame's inputs: the foreground as RGBA and the plate as RGB, same size. */
export interface TCompositeFrame {
  fg: Uint8Array
  bg: Uint8Array
}

/** Chroma distances are in Cb/Cr levels; the params' 0..1 scale maps onto half their range. */
const CHROMA_RANGE = 128

/** The chroma key's graph inputs; undefined for an alpha key (its graphs have no key inputs). */
export function chromaKeyScalars(params: TCompositeParams): Record<TChromaKeyScalar, number> | undefined {
  if (params.key === 'alpha') return undefined
  const hex = params.keyColor.slice(1)
  const [r, g, b] = [0, 2, 4].map((o) => parseInt(hex.slice(o, o + 2), 16)) as [number, number, number]
  const keyCb = -0.168736 * r - 0.331264 * g + 0.5 * b
  const keyCr = 0.5 * r - 0.418688 * g - 0.081312 * b
  const keyA = 1 / Math.max(1, params.softness * CHROMA_RANGE)
  return { keyCb, keyCr, keyA, keyB: -params.similarity * CHROMA_RANGE * keyA }
}

/** A composite transform, with how many times it keyed a foreground (once for a still). */
export type TCompositeTransform = TFrameTransform<TCompositeFrame> & { readonly keyings: number }

/**
 * On CPU, our own kernel (composite-kernel.ts) on a thread of its own; with the CUDA execution
 * provider, the ONNX graphs. Either way a still foreground (openSource yields the same buffer for
 * ever) is keyed once: its alpha and colour sums are kept, and each frame only matches and lays it
 * over the plate. Once a frame brings a different foreground buffer, every frame is keyed.
 */
export async function compositeTransform(engine: MediaEngine, params: TCompositeParams, shape: TFrameShape): Promise<TCompositeTransform> {
  const pixels = shape.width * shape.height
  if (engine.executionProvider === 'cuda' || pixels % 4 !== 0) return compositeGraphTransform(engine, params, shape)
  const module = await compositeModule()
  const key = chromaKeyScalars(params)
  const args = [pixels, key ? 1 : 0, key?.keyCb ?? 0, key?.keyCr ?? 0, key?.keyA ?? 0, key?.keyB ?? 0, params.match]
  const kernel = new KernelWorker({ module, entry: 'composite', inputs: [pixels * 4, pixels * 3], outBytes: pixels * 3, scratchBytes: compositeScratchBytes(pixels), args })
  let still: Uint8Array | undefined
  let moving = false
  let keyings = 0
  return {
    get keyings() {
      return keyings
    },
    // Once a kernel call has settled, the kernel holds nothing of its inputs (a still's alpha is its own copy).
    releasesInput: true,
    inputFrames: { fg: kernel.inputFrames(0), bg: kernel.inputFrames(1) },
    recycleOutput: (frame) => kernel.recycle(frame),
    async push({ fg, bg }) {
      // The thread runs calls in order, so a still's later frames find its alpha from the first.
      const rekey = moving || still !== fg
      if (still && still !== fg) moving = true
      still = moving ? undefined : fg
      if (rekey) keyings++
      return [await kernel.run([fg, bg], [rekey ? 1 : 0])]
    },
    close() {
      // The thread's scratch (a keyed still) goes with it.
      kernel.close()
      still = undefined
      moving = false
    },
  }
}

/**
 * The composite as ONNX graphs (the CUDA path). A foreground that arrives as the same buffer frame
 * after frame (a still: openSource yields one buffer for ever) is keyed once, by the foreground
 * graph, and each frame runs only the over graph. Once a frame brings a different foreground buffer, that and every later frame run the
 * whole graph in one go (a clip's keyed planes would otherwise cross into JavaScript and back).
 */
export async function compositeGraphTransform(engine: MediaEngine, params: TCompositeParams, shape: TFrameShape): Promise<TCompositeTransform> {
  const options = { chroma: params.key === 'chroma' }
  const size = `${shape.width}x${shape.height}`
  const frameDims = (channels: number) => [1, shape.height, shape.width, channels]
  const keyFeeds: Record<string, ort.Tensor> = {}
  for (const [name, value] of Object.entries(chromaKeyScalars(params) ?? {})) keyFeeds[name] = new ort.Tensor('float32', Float32Array.of(value), [1])
  const match = new ort.Tensor('float32', Float32Array.of(params.match), [1])

  let keyings = 0
  const keyForeground = async (fg: Uint8Array): Promise<Record<string, ort.Tensor>> => {
    keyings++
    const session = await engine.session(`composite_foreground:${params.key}:${size}`, () => buildCompositeForegroundGraph(shape, options))
    return session.run({ ...keyFeeds, fg: new ort.Tensor('uint8', fg, frameDims(4)) })
  }
  let still: { fg: Uint8Array; keyed: Promise<Record<string, ort.Tensor>> } | undefined
  let moving = false

  return {
    get keyings() {
      return keyings
    },
    async push({ fg, bg }) {
      const plate = new ort.Tensor('uint8', bg, frameDims(3))
      if (!moving && (!still || still.fg === fg)) {
        still ??= { fg, keyed: keyForeground(fg) }
        const keyed = await still.keyed
        const session = await engine.session(`composite_over:${size}`, () => buildCompositeOverGraph(shape))
        const feeds: Record<string, ort.Tensor> = { bg: plate, match }
        for (const name of KEYED_FOREGROUND) feeds[name] = keyed[name]!
        return [(await session.run(feeds)).out!.data as Uint8Array]
      }
      moving = true
      still = undefined
      keyings++
      const session = await engine.session(`composite:${params.key}:${size}`, () => buildCompositeGraph(shape, options))
      const out = await session.run({ ...keyFeeds, match, fg: new ort.Tensor('uint8', fg, frameDims(4)), bg: plate })
      return [out.out!.data as Uint8Array]
    },
  }
}
