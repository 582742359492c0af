import { AppError, AppErrorCode, parseInput, ZCompositeInput, type TCompositeInput, type TGenerationOutput } from '@montage/core'
import { compositeTransform, type TCompositeFrame } from '../engine/ops/composite'
import type { TFrameSource } from '../engine/frame-pipeline'
import { openSource, workingSize } from '../engine/open-source'
import { renderFrames } from '../engine/render-frames'
import { runEditJob, type TEditJobDeps, type TEditJobHooks } from './run-edit-job'


/**
 * Pairs the frames of two sources; a still repeats for ever. It ends with the plate when the plate
 * is a clip (a shorter foreground clip holds its last frame), else with the foreground. A pair
 * handed back goes back to each source that refills frames (a clip's reader).
 */
export function zip(fg: TFrameSource<Uint8Array>, bg: TFrameSource<Uint8Array>, plateSetsLength: boolean): TFrameSource<TCompositeFrame> {
  return {
    recycle(frame) {
      fg.recycle?.(frame.fg)
      bg.recycle?.(frame.bg)
    },
    async *[Symbol.asyncIterator]() {
      const a = fg[Symbol.asyncIterator]()
      const b = bg[Symbol.asyncIterator]()
      let last: Uint8Array | undefined
      let fgDone = false
      try {
        for (;;) {
          const [x, y] = await Promise.all([fgDone ? undefined : a.next(), b.next()])
          if (y.done) return
          if (!x || x.done) {
            fgDone = true
            // The held frame is handed out again: its reader has ended, so it is never refilled.
            if (!plateSetsLength || !last) return
          } else {
            last = x.value
          }
          yield { fg: last, bg: y.value }
        }
      } finally {
        await Promise.allSettled([a.return?.(), b.return?.()])
      }
    },
  }
}

/**
 * A foreground (an RGBA still or clip, or one to chroma-key) over a new environment plate (still
 * or clip), its colour pulled toward the plate's. The plate sets the size; the foreground is fitted
 * inside it. Two stills make a still; a clip plate sets the output's frame rate and length (a
 * foreground clip is decoded at the plate's rate and holds its last frame); over a still plate the
 * foreground clip sets them.
 */
export async function compositeJob(deps: TEditJobDeps, input: TCompositeInput, hooks: TEditJobHooks = {}): Promise<TGenerationOutput> {
  const job = parseInput(ZCompositeInput, input)
  const { engine } = deps
  const sources = [
    { field: 'foregroundSha256', sha256: job.foregroundSha256, what: 'the foreground' },
    { field: 'backgroundSha256', sha256: job.backgroundSha256, what: 'the environment plate' },
  ]
  return runEditJob(deps, { kind: 'composite', generationId: job.generationId, sources }, hooks, async ({ sources: [fg, bg], workDir, signal, onProgress }) => {
    if (job.params.key === 'alpha' && !fg!.info.hasAlpha) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `params.key: ${fg!.label} has no alpha channel; use key "chroma" to key out a colour`, {
        field: 'params.key',
      })
    }
    const size = workingSize(bg!.info)
    const clips = [bg!, fg!].filter((s) => s.info.kind === 'video')
    const ffmpeg = engine.ffmpeg.ffmpeg
    const plateIsClip = bg!.info.kind === 'video'
    const timing = clips[0]?.info
    const transform = await compositeTransform(engine, job.params, size)
    const frames = transform.inputFrames
    const source = zip(
      openSource({ ffmpeg, ...fg!, ...size, pixFmt: 'rgba', fit: 'contain', repeatStill: clips.length > 0, ...(plateIsClip ? { rate: bg!.info.fps } : {}), frames: frames?.fg, signal }),
      openSource({ ffmpeg, ...bg!, ...size, pixFmt: 'rgb24', fit: 'fill', repeatStill: clips.length > 0, frames: frames?.bg, signal }),
      plateIsClip,
    )
    const rendered = await renderFrames(engine, {
      source,
      transform,
      ...size,
      output: timing ? { kind: 'video', fps: timing.fps, expectedFrames: timing.frames } : { kind: 'still' },
      outDir: workDir,
      signal,
      onProgress,
    })
    return { ...rendered, ...size, ...(timing ? { fps: timing.fps } : {}) }
  })
}
