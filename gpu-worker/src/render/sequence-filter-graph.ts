import { layoutTimeline, type TSequenceTimeline, type TTimelineAudioItem, type TTimelineAudioTrack } from '@montage/core'

/** What the render knows of each clip's file: where it is and whether it carries sound. */
export interface TSequenceClipSource {
  file: string
  hasAudio: boolean
}

/** One sound of an unmuted audio track, with its file. */
export interface TSequenceAudioSource {
  file: string
  item: TTimelineAudioItem
  track: TTimelineAudioTrack
}

export interface TSequenceGraph {
  /** ffmpeg's input arguments (`-i` and what each needs). */
  inputArgs: string[]
  /** The filter graph, ending in the labels below. */
  filter: string
  /** Both, with the graph inline (`-filter_complex`): for a short graph; a long one goes in a file. */
  args: string[]
  /** The picture (yuv420p, the sequence's size and rate) and the mix (48 kHz stereo, float). */
  video: string
  audio: string
  totalFrames: number
}

/** The mix's format: what every sound is resampled to before it is placed. */
const AUDIO_FORMAT = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo'

/** Seconds with enough digits that a frame boundary at 24, 25 or 30 fps never rounds onto the next frame. */
const sec = (frames: number, fps: number): string => (frames / fps).toFixed(6)
const ms = (frames: number, fps: number): string => ((frames * 1000) / fps).toFixed(3)

/**
 * The one ffmpeg filter graph of a sequence render. Each clip is conformed (its rate to the
 * sequence's by dropping or repeating frames, its size by letterbox or crop), trimmed to its in and
 * out points, and cut into the parts the record needs: the frames it shares with the previous
 * clip (its crossfade head), its body, and the frames it shares with the next (its tail). The
 * record is then one `concat` of bodies and transitions, where a transition is the outgoing tail
 * with the incoming head laid over it, its alpha rising frame by frame: frame k of an n-frame
 * crossfade is (k+1)/(n+1) of the new clip, so every overlap frame is a true blend.
 *
 * Why not `xfade`: the worker's bundled ffmpeg is 4.1, which lacks it, and the worker must not
 * depend on a system package. `fade` (alpha) with `overlay` and `concat` are in every ffmpeg we
 * meet, and only the overlap frames are composited: the rest pass straight through.
 *
 * Sound: silence the length of the picture, plus each clip's own sound (at its gain, crossfaded
 * with its neighbours over the same frames) and every sound of every unmuted track (its in/out,
 * fades, item and track gain, delayed to its start), each padded to the picture's length so the
 * mix's level stays constant, then summed. The output always has sound as long as its picture.
 */
export function buildSequenceGraph(timeline: TSequenceTimeline, clips: TSequenceClipSource[], sounds: TSequenceAudioSource[]): TSequenceGraph {
  const { fps, width, height, fit } = timeline
  const layout = layoutTimeline(timeline)
  const total = layout.totalFrames
  const args: string[] = []
  const filters: string[] = []
  const segments: string[] = []
  const mix: string[] = []
  const fitFilter =
    fit === 'crop'
      ? `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`
      : `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=black`

  for (const [i, clip] of timeline.clips.entries()) {
    const source = clips[i]!
    const frames = clip.outFrame - clip.inFrame
    const head = layout.clips[i]!.overlap
    const tail = layout.clips[i + 1]?.overlap ?? 0
    // A still holds for its out point; -t bounds the looped image so the graph ends.
    if (clip.still) args.push('-loop', '1', '-framerate', String(fps), '-t', sec(clip.outFrame, fps))
    // Every input has its decoder open for the whole run: with many clips, a few threads each,
    // not one per core each (a hundred 1080p decoders with a thread per core would be thousands).
    if (timeline.clips.length > 8) args.push('-threads', '2')
    args.push('-i', source.file)

    const parts = [head > 0 ? 'head' : '', frames - head - tail > 0 ? 'body' : '', tail > 0 ? 'tail' : ''].filter(Boolean)
    const conform = `[${i}:v:0]setpts=PTS-STARTPTS,fps=${fps},trim=start_frame=${clip.inFrame}:end_frame=${clip.outFrame},setpts=PTS-STARTPTS,${fitFilter},setsar=1,format=yuv420p`
    filters.push(parts.length > 1 ? `${conform},split=${parts.length}${parts.map((p) => `[c${i}${p}]`).join('')}` : `${conform}[c${i}${parts[0]}]`)
    const part = (name: string, from: number, to: number) =>
      parts.length > 1 ? filters.push(`[c${i}${name}]trim=start_frame=${from}:end_frame=${to},setpts=PTS-STARTPTS[p${i}${name}]`) : filters.push(`[c${i}${name}]null[p${i}${name}]`)
    if (head > 0) {
      part('head', 0, head)
      // Timestamps from frame 1, so the fade's ramp gives the first overlap frame 1/(n+1), not 0.
      filters.push(`[p${i}head]setpts=(N+1)/(FR*TB),format=yuva420p,fade=t=in:st=0:d=${sec(head + 1, fps)}:alpha=1,setpts=PTS-STARTPTS[f${i}]`)
      filters.push(`[p${i - 1}tail][f${i}]overlay=eof_action=pass:format=yuv420,format=yuv420p[x${i}]`)
      segments.push(`[x${i}]`)
    }
    if (parts.includes('body')) {
      part('body', head, frames - tail)
      segments.push(`[p${i}body]`)
    }
    if (tail > 0) part('tail', frames - tail, frames)

    if (source.hasAudio) {
      const fades = [head > 0 ? `afade=t=in:d=${sec(head + 1, fps)}` : '', tail > 0 ? `afade=t=out:st=${sec(frames - tail - 1, fps)}:d=${sec(tail + 1, fps)}` : ''].filter(Boolean)
      filters.push(placeSound(`${i}:a:0`, clip.inFrame, clip.outFrame, fades, clip.gainDb, layout.clips[i]!.recordIn, total, fps, `ca${i}`))
      mix.push(`[ca${i}]`)
    }
  }
  filters.push(`${segments.join('')}concat=n=${segments.length}:v=1:a=0,format=yuv420p[vout]`)

  for (const [j, { file, item, track }] of sounds.entries()) {
    const input = timeline.clips.length + j
    args.push('-i', file)
    const length = item.outFrame - item.inFrame
    const fades = [
      item.fadeInFrames > 0 ? `afade=t=in:d=${sec(item.fadeInFrames, fps)}` : '',
      item.fadeOutFrames > 0 ? `afade=t=out:st=${sec(length - item.fadeOutFrames, fps)}:d=${sec(item.fadeOutFrames, fps)}` : '',
    ].filter(Boolean)
    filters.push(placeSound(`${input}:a:0`, item.inFrame, item.outFrame, fades, item.gainDb + track.gainDb, item.startFrame, total, fps, `ta${j}`))
    mix.push(`[ta${j}]`)
  }

  filters.push(`anullsrc=channel_layout=stereo:sample_rate=48000,${AUDIO_FORMAT},atrim=end=${sec(total, fps)}[silence]`)
  // amix divides by its input count; every input lasts the whole record, so `volume` undoes it exactly.
  filters.push(
    mix.length
      ? `[silence]${mix.join('')}amix=inputs=${mix.length + 1}:duration=first:dropout_transition=0,volume=${mix.length + 1}[aout]`
      : `[silence]anull[aout]`,
  )
  const filter = filters.join(';')
  return { inputArgs: args, filter, args: [...args, '-filter_complex', filter], video: '[vout]', audio: '[aout]', totalFrames: total }
}

/** One sound, trimmed to [in, out) of its source, faded, at its gain, placed at `at` on a track the record's length. */
function placeSound(input: string, inFrame: number, outFrame: number, fades: string[], gainDb: number, at: number, total: number, fps: number, label: string): string {
  const delay = ms(at, fps)
  return [
    `[${input}]${AUDIO_FORMAT}`,
    `atrim=start=${sec(inFrame, fps)}:end=${sec(outFrame, fps)}`,
    'asetpts=PTS-STARTPTS',
    ...fades,
    `volume=${gainDb.toFixed(2)}dB`,
    ...(at > 0 ? [`adelay=${delay}|${delay}`] : []),
    'apad',
    `atrim=end=${sec(total, fps)}[${label}]`,
  ].join(',')
}
