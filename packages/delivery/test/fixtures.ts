import { createHash } from 'node:crypto'
import { ZSequenceTimeline, type TSequenceFps, type TSequenceTimeline, type TTimelineAudioItem, type TTimelineClip } from '@montage/core'

export const sha = (name: string): string => createHash('sha256').update(name).digest('hex')

export function clip(id: string, over: Partial<TTimelineClip> = {}): TTimelineClip {
  return {
    clipId: `shape:clip-${id}`,
    variationId: `shape:var-${id}`,
    generationId: `00000000-0000-4000-8000-${sha(id).slice(0, 12)}`,
    assetSha256: sha(`asset-${id}`),
    mimeType: 'video/mp4',
    still: false,
    sourceFrames: 120,
    inFrame: 0,
    outFrame: 48,
    transition: 'cut',
    transitionFrames: 0,
    gainDb: 0,
    label: `Shot ${id}`,
    ...over,
  }
}

export function sound(id: string, over: Partial<TTimelineAudioItem> = {}): TTimelineAudioItem {
  return {
    itemId: `shape:snd-${id}`,
    assetSha256: sha(`sound-${id}`),
    mimeType: 'audio/wav',
    name: `Sound ${id}`,
    sourceFrames: 240,
    startFrame: 0,
    inFrame: 0,
    outFrame: 100,
    gainDb: 0,
    fadeInFrames: 0,
    fadeOutFrames: 0,
    ...over,
  }
}

/**
 * Four clips: a cut, a 12-frame crossfade, a cut, and the first clip's variation again (one file
 * in the package); trims on both ends; a music track whose two sounds overlap (two lanes) and
 * whose last sound outlasts the picture, and a muted voice track.
 */
export function campaignTimeline(fps: TSequenceFps = 24): TSequenceTimeline {
  return ZSequenceTimeline.parse({
    sequenceId: 'shape:seq-campaign',
    boardId: '7d3c2a10-5b8e-4c1f-9a2d-3e4f5a6b7c8d',
    title: 'Lighthouse — 30" spot',
    fps,
    aspectRatio: '16:9',
    width: 1920,
    height: 1080,
    fit: 'letterbox',
    delivery: true,
    clips: [
      clip('a', { inFrame: 6, outFrame: 54 }),
      clip('b', { inFrame: 10, outFrame: 70, transition: 'crossfade', transitionFrames: 12, gainDb: -2, label: 'Keeper & "lamp" <close>' }),
      clip('c', { inFrame: 0, outFrame: 36, sourceFrames: 36 }),
      { ...clip('a', { inFrame: 60, outFrame: 100 }), clipId: 'shape:clip-a2', transition: 'crossfade', transitionFrames: 8 },
    ],
    audioTracks: [
      { trackId: 'music', name: 'Music', gainDb: -3, muted: false, items: [sound('m1', { startFrame: 0, inFrame: 24, outFrame: 124 }), sound('m2', { startFrame: 90, outFrame: 200 })] },
      { trackId: 'voice', name: 'Voice', gainDb: 0, muted: true, items: [sound('v1', { startFrame: 30, outFrame: 60, mimeType: 'audio/mpeg' })] },
    ],
  })
}
