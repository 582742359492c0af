import type { TSequenceTimeline } from '@montage/core'
import { audioLanes } from './audio-lanes'
import { EDL_RECORD_START_HOURS, timecode } from './frame-time'
import { handoffLayout } from './handoff-layout'
import type { TDeliveryMediaPaths } from './media-paths'

/** CMX3600 carries two audio channels on an event line (A, A2) and two more by `AUD` notes. */
const EDL_AUDIO_CHANNELS = ['A', 'A2', 'A3', 'A4'] as const
/** CMX3600 limits: a reel name is at most 8 characters, a title 70, events 999. */
const MAX_EVENTS = 999

/** A line's text without characters that would break a line-oriented reader. */
const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim()

/**
 * The sequence as a CMX3600 EDL (non-drop frame, record from 01:00:00:00). Picture events on V,
 * a crossfade as the two-line dissolve (the outgoing reel held at the edit, then `D` with its
 * length in frames to the incoming); sounds on A, A2 (A3 and A4 through `AUD` notes). Each event
 * has `* FROM CLIP NAME:` (the clip) and `* SOURCE FILE:` (its path in the package). Reels are
 * `C001`… for clips and `S001`… for sounds, one per file.
 */
export function writeEdl(timeline: TSequenceTimeline, media: TDeliveryMediaPaths): string {
  const fps = timeline.fps
  const tc = (frames: number) => timecode(frames, fps)
  const rec = (frames: number) => tc(EDL_RECORD_START_HOURS * 3600 * fps + frames)
  const { clips } = handoffLayout(timeline)
  const reels = new Map<string, string>()
  const reelOf = (path: string, prefix: 'C' | 'S') => {
    let reel = reels.get(path)
    if (!reel) {
      const n = [...reels.values()].filter((r) => r.startsWith(prefix)).length + 1
      reel = `${prefix}${String(n).padStart(3, '0')}`
      reels.set(path, reel)
    }
    return reel
  }
  const lines: string[] = [`TITLE: ${oneLine(timeline.title || 'Sequence').slice(0, 70)}`, 'FCM: NON-DROP FRAME', '']
  let event = 0
  const row = (n: number, reel: string, channel: string, kind: string, frames: number | null, srcIn: number, srcOut: number, recIn: number, recOut: number) =>
    `${String(n).padStart(3, '0')}  ${reel.padEnd(8)} ${channel.padEnd(5)} ${kind.padEnd(4)} ${frames === null ? '   ' : String(frames).padStart(3, '0')} ${tc(srcIn)} ${tc(srcOut)} ${rec(recIn)} ${rec(recOut)}`

  for (const [i, c] of clips.entries()) {
    event++
    const path = media.clip(c.clip)
    const reel = reelOf(path, 'C')
    const name = oneLine(c.clip.label || `Clip ${i + 1}`)
    if (c.incomingFrames > 0) {
      const prev = clips[i - 1]!
      const prevPath = media.clip(prev.clip)
      const prevOut = prev.clip.inFrame + prev.trimmedFrames
      // The dissolve: the outgoing reel at the edit (zero length), then the incoming over `D` frames.
      lines.push(row(event, reelOf(prevPath, 'C'), 'V', 'C', null, prevOut, prevOut, c.recordIn, c.recordIn))
      lines.push(row(event, reel, 'V', 'D', c.incomingFrames, c.clip.inFrame, c.clip.inFrame + c.trimmedFrames, c.recordIn, c.recordIn + c.trimmedFrames))
      lines.push(`* FROM CLIP NAME: ${oneLine(prev.clip.label || `Clip ${i}`)}`, `* TO CLIP NAME: ${name}`, `* SOURCE FILE: ${path}`, '')
    } else {
      lines.push(row(event, reel, 'V', 'C', null, c.clip.inFrame, c.clip.inFrame + c.trimmedFrames, c.recordIn, c.recordIn + c.trimmedFrames))
      lines.push(`* FROM CLIP NAME: ${name}`, `* SOURCE FILE: ${path}`, '')
    }
  }

  const lanes = audioLanes(timeline.audioTracks)
  for (const [laneIndex, lane] of lanes.entries()) {
    const channel = EDL_AUDIO_CHANNELS[laneIndex]
    if (!channel) {
      lines.push(`* ${lane.items.length} SOUND(S) ON "${oneLine(lane.track.name)}" LEFT OUT: CMX3600 CARRIES FOUR AUDIO CHANNELS; SEE THE .OTIO OR .FCPXML.`, '')
      continue
    }
    for (const item of lane.items) {
      event++
      const path = media.audio(item)
      const onLine = channel === 'A3' || channel === 'A4' ? 'NONE' : channel
      lines.push(row(event, reelOf(path, 'S'), onLine, 'C', null, item.inFrame, item.outFrame, item.startFrame, item.startFrame + item.outFrame - item.inFrame))
      if (onLine === 'NONE') lines.push(`AUD  ${channel.slice(1)}`)
      lines.push(`* FROM CLIP NAME: ${oneLine(item.name || 'Sound')}`, `* SOURCE FILE: ${path}`, '')
    }
  }
  if (event > MAX_EVENTS) throw new Error(`This sequence needs ${event} EDL events; a CMX3600 EDL holds at most ${MAX_EVENTS}.`)
  return `${lines.join('\r\n')}\r\n`
}
