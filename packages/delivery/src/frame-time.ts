import type { TSequenceFps } from '@montage/core'

/*
 * Every hand-off file speaks whole frames at the sequence's (integer, non-drop) rate, so a cut
 * lands on the same frame in the render, the OTIO, the FCPXML and the EDL.
 */

/** Where the record side of an EDL starts: editors expect a programme at 01:00:00:00. */
export const EDL_RECORD_START_HOURS = 1

/** `HH:MM:SS:FF` non-drop-frame timecode of a frame count at an integer rate. */
export function timecode(frames: number, fps: TSequenceFps): string {
  if (!Number.isInteger(frames) || frames < 0) throw new Error(`A timecode needs a whole, non-negative frame count, not ${frames}.`)
  const ff = frames % fps
  const totalSeconds = (frames - ff) / fps
  const ss = totalSeconds % 60
  const mm = Math.floor(totalSeconds / 60) % 60
  const hh = Math.floor(totalSeconds / 3600)
  if (hh > 23) throw new Error(`${frames} frames at ${fps} fps is past 23:59:59:${fps - 1}, the last timecode.`)
  return [hh, mm, ss, ff].map((n) => String(n).padStart(2, '0')).join(':')
}

/** FCPXML's rational seconds on the frame grid: `n/24s`, or `0s`. */
export function fcpTime(frames: number, fps: TSequenceFps): string {
  if (!Number.isInteger(frames) || frames < 0) throw new Error(`An FCPXML time needs a whole, non-negative frame count, not ${frames}.`)
  return frames === 0 ? '0s' : `${frames}/${fps}s`
}
