import type { TSequenceTimeline } from '@montage/core'
import { audioLanes } from './audio-lanes'
import { EDL_RECORD_START_HOURS } from './frame-time'
import { handoffLayout } from './handoff-layout'
import type { TDeliveryMediaPaths } from './media-paths'

/*
 * OpenTimelineIO's JSON (the ASWF schema as `otio.adapters.write_to_file` writes it): every object
 * names its `OTIO_SCHEMA` with its version, times are `RationalTime.1` at the sequence's rate, and
 * a track is a list of items laid end to end (a `Gap.1` fills time with nothing). A
 * `Transition.1` takes no time on the track: it overlaps the items either side by `in_offset`
 * before the cut and `out_offset` after it, using their handles.
 */

type TJson = Record<string, unknown>

const rationalTime = (value: number, rate: number): TJson => ({ OTIO_SCHEMA: 'RationalTime.1', rate, value })
const timeRange = (start: number, duration: number, rate: number): TJson => ({ OTIO_SCHEMA: 'TimeRange.1', duration: rationalTime(duration, rate), start_time: rationalTime(start, rate) })
const item = (schema: string, name: string, sourceRange: TJson | null, metadata: TJson = {}): TJson => ({
  OTIO_SCHEMA: schema,
  metadata,
  name,
  source_range: sourceRange,
  effects: [],
  markers: [],
  enabled: true,
})
const gap = (frames: number, rate: number): TJson => item('Gap.1', '', timeRange(0, frames, rate))
const clip = (name: string, targetUrl: string, sourceRange: TJson, availableRange: TJson | null, metadata: TJson): TJson => ({
  ...item('Clip.2', name, sourceRange, metadata),
  media_references: {
    DEFAULT_MEDIA: { OTIO_SCHEMA: 'ExternalReference.1', metadata: {}, name: targetUrl.split('/').pop() ?? '', available_range: availableRange, available_image_bounds: null, target_url: targetUrl },
  },
  active_media_reference_key: 'DEFAULT_MEDIA',
})
const track = (name: string, kind: 'Video' | 'Audio', children: TJson[], enabled = true): TJson => ({
  OTIO_SCHEMA: 'Track.1',
  metadata: {},
  name,
  source_range: null,
  effects: [],
  markers: [],
  enabled,
  children,
  kind,
})

/**
 * The sequence as an `.otio` file: one video track (clips, with crossfades as SMPTE dissolves) and
 * an audio track per lane of each audio track (muted tracks disabled). Media are
 * `ExternalReference`s to the files' paths in the package, relative to the `.otio` beside them.
 * Gain and fades, which OTIO has no schema for, ride in each item's `metadata.montage`.
 */
export function writeOtio(timeline: TSequenceTimeline, media: TDeliveryMediaPaths): string {
  const rate = timeline.fps
  const { clips } = handoffLayout(timeline)
  const video: TJson[] = []
  for (const placed of clips) {
    const c = placed.clip
    if (placed.incomingFrames > 0) {
      video.push({ OTIO_SCHEMA: 'Transition.1', metadata: {}, name: 'Cross Dissolve', in_offset: rationalTime(0, rate), out_offset: rationalTime(placed.incomingFrames, rate), transition_type: 'SMPTE_Dissolve' })
    }
    video.push(
      clip(c.label || `Clip ${placed.index + 1}`, media.clip(c), timeRange(c.inFrame, placed.trimmedFrames, rate), c.still ? null : timeRange(0, c.sourceFrames, rate), {
        montage: { clipId: c.clipId, variationId: c.variationId, generationId: c.generationId, assetSha256: c.assetSha256, gainDb: c.gainDb },
      }),
    )
  }
  const audio = audioLanes(timeline.audioTracks).map(({ track: t, lane, items }) => {
    const children: TJson[] = []
    let cursor = 0
    for (const a of items) {
      if (a.startFrame > cursor) children.push(gap(a.startFrame - cursor, rate))
      children.push(
        clip(a.name || 'Sound', media.audio(a), timeRange(a.inFrame, a.outFrame - a.inFrame, rate), timeRange(0, a.sourceFrames, rate), {
          montage: { itemId: a.itemId, assetSha256: a.assetSha256, gainDb: a.gainDb + t.gainDb, fadeInFrames: a.fadeInFrames, fadeOutFrames: a.fadeOutFrames },
        }),
      )
      cursor = a.startFrame + a.outFrame - a.inFrame
    }
    return track(lane === 0 ? t.name : `${t.name} (${lane + 1})`, 'Audio', children, !t.muted)
  })
  const otio = {
    OTIO_SCHEMA: 'Timeline.1',
    metadata: { montage: { sequenceId: timeline.sequenceId, boardId: timeline.boardId, width: timeline.width, height: timeline.height, aspectRatio: timeline.aspectRatio, fit: timeline.fit } },
    name: timeline.title || 'Sequence',
    global_start_time: rationalTime(EDL_RECORD_START_HOURS * 3600 * rate, rate),
    tracks: {
      OTIO_SCHEMA: 'Stack.1',
      metadata: {},
      name: 'tracks',
      source_range: null,
      effects: [],
      markers: [],
      enabled: true,
      children: [track('V1', 'Video', video), ...audio],
    },
  }
  return `${JSON.stringify(otio, null, 4)}\n`
}
