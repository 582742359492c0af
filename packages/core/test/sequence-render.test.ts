import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  layoutTimeline,
  SEQUENCE_RENDER_MODEL,
  sequenceRenderCredits,
  sequenceRenderGenerationInput,
  timelineProblems,
  ZSequenceRenderGenerationInput,
  type TSequenceTimeline,
  type TTimelineClip,
} from '../src'

const clip = (i: number, fields: Partial<TTimelineClip> = {}): TTimelineClip => ({
  clipId: `shape:c${i}`, variationId: `shape:v${i}`, generationId: randomUUID(), assetSha256: 'a'.repeat(64), mimeType: 'video/mp4', still: false,
  sourceFrames: 100, inFrame: 0, outFrame: 20, transition: 'cut', transitionFrames: 0, gainDb: 0, label: `Shot ${i}`, ...fields,
})

const timeline = (clips: TTimelineClip[]): TSequenceTimeline => ({
  sequenceId: 'shape:seq', boardId: randomUUID(), title: 'Spot', fps: 25, aspectRatio: '16:9', width: 1920, height: 1080, fit: 'crop', delivery: false, clips, audioTracks: [],
})

describe('a clip between two crossfades', () => {
  it('must last for both of them: three clips are never on screen at once', () => {
    const fits = [clip(1), clip(2, { transition: 'crossfade', transitionFrames: 10 }), clip(3, { transition: 'crossfade', transitionFrames: 10 })]
    expect(timelineProblems(timeline(fits))).toEqual([])
    const tooShort = [clip(1), clip(2, { transition: 'crossfade', transitionFrames: 12 }), clip(3, { transition: 'crossfade', transitionFrames: 10 })]
    expect(timelineProblems(timeline(tooShort))).toEqual(['Clip 2 (Shot 2) (20 frames) is shorter than its two crossfades together (12 + 10 frames).'])
  })
})

describe('sequenceRenderGenerationInput', () => {
  it('is a generation of the sequence, priced by its length, that the workflow schema accepts', () => {
    const t = timeline([clip(1), clip(2, { transition: 'crossfade', transitionFrames: 5 }), clip(3, { outFrame: 60 })])
    const input = sequenceRenderGenerationInput({ generationId: randomUUID(), workspaceId: randomUUID(), boardId: t.boardId, userId: randomUUID(), variationId: 'shape:render' }, t, true)
    expect(layoutTimeline(t).totalFrames).toBe(95)
    expect(input).toMatchObject({ model: SEQUENCE_RENDER_MODEL, shotId: 'shape:seq', params: { prores: true, fps: 25, totalFrames: 95, clips: 3 } })
    expect(input.credits).toBe(sequenceRenderCredits({ totalFrames: 95, fps: 25, prores: true }))
    expect(input.credits).toBe(6) // 4 s at 1.5 credits a second
    expect(ZSequenceRenderGenerationInput.safeParse(input).success).toBe(true)
  })
})
