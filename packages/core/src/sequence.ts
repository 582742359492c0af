import { z } from 'zod'
import { ZSha256 } from './generation'
import { ZAspectRatio, type TAspectRatio } from './model-definition'

/**
 * A sequence as every consumer reads it: the renderer, the editor hand-off files (OTIO, FCPXML,
 * EDL), the delivery manifest and the canvas's length and cost. Times are whole frames at the
 * sequence's rate, so every cut sits on the frame grid and every exporter agrees with the render.
 *
 * The board keeps a sequence as a `sequence` shape with `sequence-clip` and `sequence-audio`
 * children (`packages/board`); `timelineFromBoard` there builds this from them.
 */

/** Frame rates a sequence can have (integer rates only: the EDL is non-drop-frame). */
export const SEQUENCE_FPS = [24, 25, 30] as const
export const ZSequenceFps = z.union([z.literal(24), z.literal(25), z.literal(30)])
export type TSequenceFps = z.infer<typeof ZSequenceFps>

/** A sequence's frame size for each aspect: the delivery master is 1080 on its short side. */
export const SEQUENCE_FRAME: Record<TAspectRatio, { width: number; height: number }> = {
  '16:9': { width: 1920, height: 1080 },
  '9:16': { width: 1080, height: 1920 },
  '1:1': { width: 1080, height: 1080 },
}

/** How a clip of another aspect fills the frame: whole with bars, or cut to fill. */
export const ZSequenceFit = z.enum(['letterbox', 'crop'])
export type TSequenceFit = z.infer<typeof ZSequenceFit>

export const ZTransitionKind = z.enum(['cut', 'crossfade'])
export type TTransitionKind = z.infer<typeof ZTransitionKind>

/** At most this many clips, audio tracks and items per track in one sequence. */
export const SEQUENCE_LIMITS = { clips: 100, audioTracks: 8, audioItems: 100, maxFrames: 30 * 60 * 10, maxGainDb: 12, minGainDb: -60 } as const

const ZFrame = z.number().int().min(0).max(SEQUENCE_LIMITS.maxFrames)
const ZGainDb = z.number().min(SEQUENCE_LIMITS.minGainDb).max(SEQUENCE_LIMITS.maxGainDb)

/** One clip of the picture track: a variation's output between `inFrame` and `outFrame` (exclusive). */
export const ZTimelineClip = z
  .object({
    clipId: z.string().min(1),
    variationId: z.string().min(1),
    /** The generation that made the variation (provenance, the manifest, C2PA ingredients). */
    generationId: z.string(),
    /** The full-quality output (never the proxy). */
    assetSha256: ZSha256,
    mimeType: z.string(),
    /** A still image holds for as long as its in/out say; a video has `sourceFrames`. */
    still: z.boolean(),
    /** The source's length in frames at the sequence's rate (floor); for a still, its out point. */
    sourceFrames: z.number().int().min(1).max(SEQUENCE_LIMITS.maxFrames),
    inFrame: ZFrame,
    outFrame: ZFrame,
    /** How this clip begins: a cut, or a crossfade of `transitionFrames` over the previous clip's end. */
    transition: ZTransitionKind,
    transitionFrames: ZFrame,
    /** The gain of the clip's own sound, when it has one. */
    gainDb: ZGainDb,
    /** What a person calls it: the shot's title and the version ("Lighthouse wide · v3"). */
    label: z.string().max(200),
  })
  .strict()
export type TTimelineClip = z.infer<typeof ZTimelineClip>

/** A sound on an audio track, placed at `startFrame` of the sequence. */
export const ZTimelineAudioItem = z
  .object({
    itemId: z.string().min(1),
    assetSha256: ZSha256,
    mimeType: z.string(),
    name: z.string().max(200),
    sourceFrames: z.number().int().min(1).max(SEQUENCE_LIMITS.maxFrames),
    startFrame: ZFrame,
    inFrame: ZFrame,
    outFrame: ZFrame,
    gainDb: ZGainDb,
    fadeInFrames: ZFrame,
    fadeOutFrames: ZFrame,
  })
  .strict()
export type TTimelineAudioItem = z.infer<typeof ZTimelineAudioItem>

export const ZTimelineAudioTrack = z
  .object({
    trackId: z.string().min(1),
    name: z.string().max(100),
    gainDb: ZGainDb,
    muted: z.boolean(),
    items: z.array(ZTimelineAudioItem).max(SEQUENCE_LIMITS.audioItems),
  })
  .strict()
export type TTimelineAudioTrack = z.infer<typeof ZTimelineAudioTrack>

export const ZSequenceTimeline = z
  .object({
    sequenceId: z.string().min(1),
    boardId: z.string().uuid(),
    title: z.string().max(200),
    fps: ZSequenceFps,
    aspectRatio: ZAspectRatio,
    width: z.number().int().min(16).max(4096),
    height: z.number().int().min(16).max(4096),
    fit: ZSequenceFit,
    /** Marked for delivery: only approved variations may be in it. */
    delivery: z.boolean(),
    clips: z.array(ZTimelineClip).min(1).max(SEQUENCE_LIMITS.clips),
    audioTracks: z.array(ZTimelineAudioTrack).max(SEQUENCE_LIMITS.audioTracks),
  })
  .strict()
export type TSequenceTimeline = z.infer<typeof ZSequenceTimeline>

/** Where a clip lands on the record (the sequence's own time), in frames; `recordOut` exclusive. */
export interface TPlacedClip {
  clipId: string
  recordIn: number
  recordOut: number
  /** Frames this clip overlaps the previous one (its crossfade); 0 for a cut. */
  overlap: number
}

export interface TTimelineLayout {
  clips: TPlacedClip[]
  /** The sequence's length in frames: the sum of the clips' lengths less their crossfades. */
  totalFrames: number
}

/** The clip's length on the record, in frames. */
export const clipFrames = (clip: Pick<TTimelineClip, 'inFrame' | 'outFrame'>): number => clip.outFrame - clip.inFrame

/**
 * Places the clips one after another; a crossfade starts the clip `transitionFrames` before the
 * previous one ends. Assumes a timeline `timelineProblems` accepts.
 */
export function layoutTimeline(timeline: Pick<TSequenceTimeline, 'clips'>): TTimelineLayout {
  const placed: TPlacedClip[] = []
  let end = 0
  for (const [i, clip] of timeline.clips.entries()) {
    const overlap = i > 0 && clip.transition === 'crossfade' ? clip.transitionFrames : 0
    const recordIn = end - overlap
    const recordOut = recordIn + clipFrames(clip)
    placed.push({ clipId: clip.clipId, recordIn, recordOut, overlap })
    end = recordOut
  }
  return { clips: placed, totalFrames: end }
}

/**
 * What is wrong with a timeline that its schema cannot see, in words a person can act on; empty
 * when it can be rendered. The canvas shows these on the sequence; the server refuses a render
 * or a delivery with them.
 */
export function timelineProblems(timeline: Pick<TSequenceTimeline, 'clips' | 'audioTracks'>): string[] {
  const problems: string[] = []
  const name = (clip: TTimelineClip, i: number) => `Clip ${i + 1}${clip.label ? ` (${clip.label})` : ''}`
  for (const [i, clip] of timeline.clips.entries()) {
    if (clip.outFrame <= clip.inFrame) problems.push(`${name(clip, i)} ends before it starts: its out point must be after its in point.`)
    else if (!clip.still && clip.outFrame > clip.sourceFrames) problems.push(`${name(clip, i)} runs past the end of its source (${clip.sourceFrames} frames).`)
    if (clip.transition === 'crossfade') {
      const prev = timeline.clips[i - 1]
      if (!prev) problems.push(`${name(clip, i)} is the first clip, so it cannot crossfade from anything.`)
      else if (clip.transitionFrames < 1) problems.push(`${name(clip, i)}'s crossfade must last at least one frame.`)
      else if (clip.transitionFrames >= Math.min(clipFrames(prev), clipFrames(clip))) {
        problems.push(`${name(clip, i)}'s crossfade (${clip.transitionFrames} frames) must be shorter than both clips it joins.`)
      }
    }
    // A clip crossfading at both ends must last for both: three clips are never seen at once.
    const next = timeline.clips[i + 1]
    const head = i > 0 && clip.transition === 'crossfade' ? clip.transitionFrames : 0
    const tail = next?.transition === 'crossfade' ? next.transitionFrames : 0
    if (head > 0 && tail > 0 && head + tail > clipFrames(clip)) {
      problems.push(`${name(clip, i)} (${clipFrames(clip)} frames) is shorter than its two crossfades together (${head} + ${tail} frames).`)
    }
  }
  for (const track of timeline.audioTracks) {
    for (const item of track.items) {
      if (item.outFrame <= item.inFrame) problems.push(`"${item.name}" on ${track.name} ends before it starts.`)
      else if (item.outFrame > item.sourceFrames) problems.push(`"${item.name}" on ${track.name} runs past the end of its sound (${item.sourceFrames} frames).`)
      else if (item.fadeInFrames + item.fadeOutFrames > item.outFrame - item.inFrame) problems.push(`"${item.name}" on ${track.name} has fades longer than the sound itself.`)
    }
  }
  return problems
}

/** Frames to seconds at the sequence's rate. */
export const framesToSeconds = (frames: number, fps: TSequenceFps): number => frames / fps

/** A render of a sequence on the local engine, per second of the sequence (a ProRes master adds half). */
export const SEQUENCE_RENDER_CREDITS_PER_SECOND = 1
export const SEQUENCE_PRORES_CREDITS_PER_SECOND = 0.5

/**
 * The price of rendering a sequence, in credits: the one rule the canvas's estimate, the server
 * that reserves and the workflow that settles use. At least one credit.
 */
export function sequenceRenderCredits({ totalFrames, fps, prores }: { totalFrames: number; fps: TSequenceFps; prores: boolean }): number {
  const seconds = Math.ceil(totalFrames / fps)
  const perSecond = SEQUENCE_RENDER_CREDITS_PER_SECOND + (prores ? SEQUENCE_PRORES_CREDITS_PER_SECOND : 0)
  return Math.max(1, Math.ceil(seconds * perSecond))
}

/**
 * `POST /api/sequences/render`: render a sequence into a new version (a variation under the
 * sequence, placed by the canvas as a queued placeholder first, as Generate does).
 */
export const ZRenderSequenceRequest = z
  .object({
    boardId: z.string().uuid(),
    sequenceId: z.string().min(1).max(200),
    variationId: z.string().min(1).max(200),
    prores: z.boolean().default(false),
    /**
     * sha256 (hex) of `timelineFingerprint` of the timeline the person sees. The server renders
     * the board as stored, which trails live edits by a moment: it waits until the stored
     * timeline is this one, so a trim made just before Render is never left out.
     */
    timelineSha256: z.string().regex(/^[a-f0-9]{64}$/, 'must be a sha256 hex digest').optional(),
  })
  .strict()
export type TRenderSequenceRequest = z.infer<typeof ZRenderSequenceRequest>

/**
 * The text both sides hash to agree on a timeline (`TRenderSequenceRequest.timelineSha256`):
 * canonical JSON of what a render reads, in the schema's key order.
 */
export function timelineFingerprint(timeline: TSequenceTimeline): string {
  return JSON.stringify(ZSequenceTimeline.parse(timeline))
}
