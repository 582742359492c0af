import { clipFrames, layoutTimeline, timelineProblems, type TSequenceTimeline, type TTimelineClip } from '@montage/core'

/** A clip as the editor's track holds it: trimmed at the cut, with the frames past the cut as a handle. */
export interface THandoffClip {
  clip: TTimelineClip
  index: number
  /** Where it starts on the record (the sequence), in frames: `layoutTimeline`'s record in. */
  recordIn: number
  /** Its length up to the next cut: its own length less the next clip's crossfade. */
  trimmedFrames: number
  /** Frames of this clip the crossfade into the next one uses after the cut (0 for a cut). */
  tailHandle: number
  /** The crossfade from the previous clip that starts at this clip's record in (0 for a cut). */
  incomingFrames: number
}

/**
 * How every hand-off file writes a crossfade: the cut sits where the incoming clip starts (its
 * record in, as `layoutTimeline` places it), and the dissolve runs from the cut over the outgoing
 * clip's next `transitionFrames` frames, which the editor's track holds as its tail handle. So the
 * incoming clip's source range and record position are exactly the sequence's, a CMX3600 dissolve
 * (which starts at the edit) means the same, and no clip needs media before its in point.
 *
 * Refuses, naming the clip, a timeline the render would refuse (`timelineProblems`, which also
 * refuses a clip whose crossfade out would begin before its crossfade in has ended: three pictures
 * at once has no editor's form).
 */
export function handoffLayout(timeline: Pick<TSequenceTimeline, 'clips' | 'audioTracks'>): { clips: THandoffClip[]; totalFrames: number } {
  const problems = timelineProblems(timeline)
  if (problems.length) throw new Error(`This sequence cannot be exported: ${problems.join(' ')}`)
  const layout = layoutTimeline(timeline)
  const clips = timeline.clips.map((clip, index): THandoffClip => {
    const next = timeline.clips[index + 1]
    const tailHandle = next?.transition === 'crossfade' ? next.transitionFrames : 0
    const incomingFrames = layout.clips[index]!.overlap
    const trimmedFrames = clipFrames(clip) - tailHandle
    return { clip, index, recordIn: layout.clips[index]!.recordIn, trimmedFrames, tailHandle, incomingFrames }
  })
  return { clips, totalFrames: layout.totalFrames }
}
