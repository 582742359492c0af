import type { TFrameShape } from '../onnx/build-relight-graph'
import type { TFrameTransform } from '../engine/frame-pipeline'
import type { MediaEngine } from '../engine/MediaEngine'
import { openSource, workingSize } from '../engine/open-source'
import { renderFrames } from '../engine/render-frames'
import { focusTransform } from '../engine/focus-transform'
import type { TEditFocus } from '@montage/core'
import type { TEditRender, TEditRenderContext } from './run-edit-job'

export interface TRenderSourceEditOptions {
  /** The output size for a working size (upscale multiplies it); the working size by default. */
  outputSize?: (size: TFrameShape) => TFrameShape
  /** Output frames per source frame (interpolation: 2). */
  rateFactor?: number
  transform: (size: TFrameShape) => Promise<TFrameTransform<Uint8Array>>
  /** Keep the edit to this time range and region (an edit from a comment); same-size edits only. */
  focus?: TEditFocus
}

/** A one-source edit: decode the still or clip at its working size, transform each frame, encode. */
export async function renderSourceEdit(engine: MediaEngine, context: TEditRenderContext, options: TRenderSourceEditOptions): Promise<TEditRender> {
  const { sources, workDir, signal, onProgress } = context
  const { file, label, info } = sources[0]!
  const size = workingSize(info)
  const out = options.outputSize?.(size) ?? size
  const rateFactor = options.rateFactor ?? 1
  const inner = await options.transform(size)
  const transform = options.focus ? focusTransform(inner, options.focus, { ...size, fps: info.kind === 'image' ? null : info.fps.num / info.fps.den }) : inner
  const source = openSource({ ffmpeg: engine.ffmpeg.ffmpeg, file, label, info, ...size, pixFmt: 'rgb24', fit: 'fill', frames: transform.inputFrames, signal })
  const fps = { num: info.fps.num * rateFactor, den: info.fps.den }
  const rendered = await renderFrames(engine, {
    source,
    transform,
    ...out,
    output: info.kind === 'image' ? { kind: 'still' } : { kind: 'video', fps, expectedFrames: info.frames * rateFactor },
    outDir: workDir,
    signal,
    onProgress,
  })
  return { ...rendered, ...out, ...(info.kind === 'video' ? { fps } : {}) }
}
