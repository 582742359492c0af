import type { TTimelineAudioItem, TTimelineAudioTrack } from '@montage/core'

/** One editor track's worth of sounds: none of them overlap. */
export interface TAudioLane {
  track: TTimelineAudioTrack
  /** 0 for the track's first lane; a sound that overlaps another on its track goes to a further one. */
  lane: number
  items: TTimelineAudioItem[]
}

/**
 * Our audio tracks may hold sounds that overlap (they mix); an editor's track may not. Each track
 * becomes as many lanes as its overlaps need, first fit in start order, so nothing is dropped.
 */
export function audioLanes(tracks: readonly TTimelineAudioTrack[]): TAudioLane[] {
  const out: TAudioLane[] = []
  for (const track of tracks) {
    const lanes: { end: number; items: TTimelineAudioItem[] }[] = []
    const items = [...track.items].sort((a, b) => a.startFrame - b.startFrame || a.itemId.localeCompare(b.itemId))
    for (const item of items) {
      const end = item.startFrame + item.outFrame - item.inFrame
      const lane = lanes.find((l) => l.end <= item.startFrame)
      if (lane) {
        lane.items.push(item)
        lane.end = end
      } else lanes.push({ end, items: [item] })
    }
    lanes.forEach((l, lane) => out.push({ track, lane, items: l.items }))
  }
  return out
}

/** The record frame where a sound ends (exclusive). */
export const audioItemEnd = (item: TTimelineAudioItem): number => item.startFrame + item.outFrame - item.inFrame
