import { withLocalFiles, type AssetStore } from '@montage/assets'
import {
  AppError,
  AppErrorCode,
  layoutTimeline,
  parseInput,
  timelineProblems,
  ZRenderSequenceInput,
  type TJobProgress,
  type TRenderSequenceInput,
  type TRenderSequenceOutput,
  type TTimelineClip,
} from '@montage/core'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { MediaEngine } from '../engine/MediaEngine'
import { probeAudio } from '../ffmpeg/probe-audio'
import { probeAudioCodec } from '../ffmpeg/probe-audio-codec'
import { probeMedia } from '../ffmpeg/probe-media'
import { runFfmpegWithProgress } from '../ffmpeg/run-ffmpeg-with-progress'
import { runProcess } from '../ffmpeg/run-process'
import type { TRenderPrevizJobHooks } from './render-previz-job'
import { buildSequenceGraph, type TSequenceAudioSource, type TSequenceClipSource } from './sequence-filter-graph'
import { reportRenderStage, storeRenderOutputs } from './store-render-outputs'

export interface TRenderSequenceJobDeps {
  store: AssetStore
  engine: MediaEngine
}

/** A clip as a person finds it on the sequence: its place and its shot's title. */
export const clipName = (clip: Pick<TTimelineClip, 'label'>, i: number): string => `Clip ${i + 1}${clip.label ? ` (${clip.label})` : ''}`

/**
 * The delivery master's encode: H.264 High at CRF 18 (visually lossless for review and most
 * delivery), `fast` so a 30 s spot renders in well under its own length on a few cores, AAC 192k,
 * +faststart so it plays while it downloads. One keyframe a second keeps seeking in review quick.
 */
export function masterEncodeArgs(fps: number): string[] {
  return [
    '-c:v', 'libx264', '-preset', 'fast', '-crf', '18', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-r', String(fps), '-g', String(fps),
    '-c:a', 'aac', '-b:a', '192k', '-ar', '48000', '-ac', '2', '-movflags', '+faststart',
  ]
}

/** The finishing master: ProRes 422 HQ (profile 3, 10-bit 4:2:2) with uncompressed 24-bit PCM, as editors expect. */
const PRORES_ARGS = ['-c:v', 'prores_ks', '-profile:v', '3', '-vendor', 'apl0', '-pix_fmt', 'yuv422p10le', '-c:a', 'pcm_s24le', '-ar', '48000', '-ac', '2']

/**
 * Renders a sequence: every clip's full-quality output and every unmuted sound fetched from the
 * store, conformed, joined and mixed by one ffmpeg run (`buildSequenceGraph`), encoded as the H.264
 * master (and the ProRes mov when asked), then the poster, web proxy and strip as for any clip.
 * Everything is checked before anything is decoded: a clip or sound missing from the store is a
 * NOT_FOUND naming it as the sequence shows it, a timeline with problems a BAD_REQUEST. Nothing is
 * stored until the render has finished; a cancel kills ffmpeg and removes the scratch folder.
 */
export async function renderSequenceJob(deps: TRenderSequenceJobDeps, input: TRenderSequenceInput, hooks: TRenderPrevizJobHooks = {}): Promise<TRenderSequenceOutput> {
  const { store, engine } = deps
  const { signal, onProgress } = hooks
  const job = parseInput(ZRenderSequenceInput, input)
  const { timeline, generationId } = job
  const problems = timelineProblems(timeline)
  if (problems.length) throw new AppError(AppErrorCode.BAD_REQUEST, `timeline: ${problems.join(' ')}`, { field: 'timeline' })

  const sounds = timeline.audioTracks.filter((t) => !t.muted).flatMap((track) => track.items.map((item) => ({ track, item })))
  for (const [i, clip] of timeline.clips.entries()) {
    if (!(await store.has(clip.assetSha256))) {
      throw new AppError(AppErrorCode.NOT_FOUND, `${clipName(clip, i)} is missing from the asset store`, { field: `timeline.clips.${i}.assetSha256` })
    }
  }
  for (const { track, item } of sounds) {
    if (!(await store.has(item.assetSha256))) {
      throw new AppError(AppErrorCode.NOT_FOUND, `"${item.name}" on ${track.name} is missing from the asset store`, { field: 'timeline.audioTracks' })
    }
  }
  const report = (stage: TJobProgress['stage'], progress: number) => onProgress?.({ generationId, stage, progress })
  const stage = reportRenderStage(report)
  report('rendering', 0)

  // Each stored blob once, even when a clip repeats in the sequence.
  const shas = [...new Set([...timeline.clips.map((c) => c.assetSha256), ...sounds.map((s) => s.item.assetSha256)])]
  return withLocalFiles(store, shas, async (files) => {
    const fileOf = (sha: string) => files[shas.indexOf(sha)]!
    const clips: TSequenceClipSource[] = []
    for (const [i, clip] of timeline.clips.entries()) {
      const file = fileOf(clip.assetSha256)
      await probeMedia(engine.ffmpeg.ffprobe, file, clipName(clip, i), signal)
      clips.push({ file, hasAudio: !clip.still && (await probeAudioCodec(engine.ffmpeg.ffprobe, file, signal)) !== null })
    }
    const audio: TSequenceAudioSource[] = []
    for (const { track, item } of sounds) {
      const file = fileOf(item.assetSha256)
      await probeAudio(engine.ffmpeg.ffprobe, file, `"${item.name}" on ${track.name}`, signal)
      audio.push({ file, item, track })
    }

    const graph = buildSequenceGraph(timeline, clips, audio)
    const seconds = graph.totalFrames / timeline.fps
    await mkdir(engine.workDir, { recursive: true })
    const workDir = await mkdtemp(path.join(engine.workDir, `montage-sequence-${generationId}-`))
    try {
      const master = path.join(workDir, 'sequence.mp4')
      const prores = path.join(workDir, 'sequence.mov')
      // The graph goes in a file: a long sequence's graph outgrows what one argument may hold (128 KiB).
      const graphFile = path.join(workDir, 'graph.txt')
      const outputs = job.prores
        ? ['-map', '[vm]', '-map', '[am]', ...masterEncodeArgs(timeline.fps), master, '-map', '[vp]', '-map', '[ap]', ...PRORES_ARGS, prores]
        : ['-map', graph.video, '-map', graph.audio, ...masterEncodeArgs(timeline.fps), master]
      await writeFile(graphFile, job.prores ? `${graph.filter};${graph.video}split=2[vm][vp];${graph.audio}asplit=2[am][ap]` : graph.filter)
      await runFfmpegWithProgress(
        engine.ffmpeg.ffmpeg,
        ['-v', 'error', '-y', ...graph.inputArgs, '-filter_complex_script', graphFile, ...outputs],
        seconds,
        (p) => stage('rendering', p),
        signal ?? new AbortController().signal,
      )
      stage('encoding', 0.5)
      // The poster: the middle of the first clip's own frames, what the sequence opens on.
      const first = layoutTimeline(timeline).clips[0]!
      const posterFile = path.join(workDir, 'poster.jpg')
      await runProcess(engine.ffmpeg.ffmpeg, ['-v', 'error', '-y', '-ss', ((first.recordIn + first.recordOut) / 2 / timeline.fps).toFixed(3), '-i', master, '-frames:v', '1', '-q:v', '3', posterFile], { signal })
      stage('encoding', 1)
      signal?.throwIfAborted()
      const stored = await storeRenderOutputs(store, { outputFile: master, posterFile }, report, {
        ffmpeg: engine.ffmpeg,
        workDir,
        width: timeline.width,
        height: timeline.height,
        frames: graph.totalFrames,
        durationSeconds: seconds,
        signal,
      })
      const mov = job.prores ? await store.putFile(prores) : undefined
      return {
        ...stored,
        mimeType: 'video/mp4',
        width: timeline.width,
        height: timeline.height,
        durationSeconds: seconds,
        fps: timeline.fps,
        ...(mov ? { proresSha256: mov.sha256, proresByteSize: mov.byteSize } : {}),
      }
    } finally {
      await rm(workDir, { recursive: true, force: true })
    }
  })
}
