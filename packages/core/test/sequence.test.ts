import { describe, expect, it } from 'vitest'
import { layoutTimeline, sequenceRenderCredits, timelineProblems, type TTimelineClip } from '../src'

const clip = (clipId: string, fields: Partial<TTimelineClip> = {}): TTimelineClip => ({
  clipId,
  variationId: `shape:v-${clipId}`,
  generationId: '',
  assetSha256: 'a'.repeat(64),
  mimeType: 'video/mp4',
  still: false,
  sourceFrames: 96,
  inFrame: 0,
  outFrame: 96,
  transition: 'cut',
  transitionFrames: 0,
  gainDb: 0,
  label: `Shot ${clipId}`,
  ...fields,
})

describe('sequence timeline', () => {
  it('places clips end to end, a crossfade overlapping the previous clip by its length', () => {
    const layout = layoutTimeline({
      clips: [clip('a', { inFrame: 12, outFrame: 60 }), clip('b', { transition: 'crossfade', transitionFrames: 12 }), clip('c', { outFrame: 24 })],
    })
    expect(layout.clips).toEqual([
      { clipId: 'a', recordIn: 0, recordOut: 48, overlap: 0 },
      { clipId: 'b', recordIn: 36, recordOut: 132, overlap: 12 },
      { clipId: 'c', recordIn: 132, recordOut: 156, overlap: 0 },
    ])
    // 48 + 96 + 24 frames, less the 12 the crossfade shares.
    expect(layout.totalFrames).toBe(156)
  })

  it('names what cannot be rendered, clip by clip', () => {
    expect(timelineProblems({ clips: [clip('a'), clip('b', { transition: 'crossfade', transitionFrames: 12 })], audioTracks: [] })).toEqual([])
    const problems = timelineProblems({
      clips: [
        clip('a', { transition: 'crossfade', transitionFrames: 6 }),
        clip('b', { inFrame: 40, outFrame: 40 }),
        clip('c', { outFrame: 120 }),
        clip('d', { outFrame: 10, transition: 'crossfade', transitionFrames: 10 }),
      ],
      audioTracks: [
        {
          trackId: 't1', name: 'Music', gainDb: 0, muted: false,
          items: [{ itemId: 'i1', assetSha256: 'b'.repeat(64), mimeType: 'audio/wav', name: 'score.wav', sourceFrames: 100, startFrame: 0, inFrame: 0, outFrame: 50, gainDb: 0, fadeInFrames: 30, fadeOutFrames: 30 }],
        },
      ],
    })
    expect(problems).toEqual([
      'Clip 1 (Shot a) is the first clip, so it cannot crossfade from anything.',
      'Clip 2 (Shot b) ends before it starts: its out point must be after its in point.',
      'Clip 3 (Shot c) runs past the end of its source (96 frames).',
      "Clip 4 (Shot d)'s crossfade (10 frames) must be shorter than both clips it joins.",
      '"score.wav" on Music has fades longer than the sound itself.',
    ])
  })

  it('lets a still hold for as long as its out point says', () => {
    expect(timelineProblems({ clips: [clip('a', { still: true, mimeType: 'image/png', sourceFrames: 1, outFrame: 72 })], audioTracks: [] })).toEqual([])
  })

  it('prices a render per started second, ProRes adding half, never below one credit', () => {
    expect(sequenceRenderCredits({ totalFrames: 156, fps: 24, prores: false })).toBe(7)
    expect(sequenceRenderCredits({ totalFrames: 156, fps: 24, prores: true })).toBe(11)
    expect(sequenceRenderCredits({ totalFrames: 1, fps: 30, prores: false })).toBe(1)
  })
})
