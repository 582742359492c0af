import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { runProcess } from '../ffmpeg/run-process'

/** A sound's poster: wide like a timeline track, light on a dark card. */
export const WAVEFORM_SIZE = { width: 960, height: 240 } as const

/**
 * The waveform of a sound as a JPEG (ffmpeg's `showwavespic`, all channels mixed to one), the
 * picture its card and its track show in place of a frame. One pass over the decoded audio.
 */
export async function makeWaveform(ffmpeg: TFfmpegPaths, file: string, out: string, signal?: AbortSignal): Promise<void> {
  const { width, height } = WAVEFORM_SIZE
  await runProcess(
    ffmpeg.ffmpeg,
    [
      '-v', 'error', '-y', '-i', file,
      '-filter_complex', `[0:a:0]aformat=channel_layouts=mono,showwavespic=s=${width}x${height}:colors=0x8ab4f8,format=yuvj420p`,
      '-frames:v', '1', '-q:v', '3', '-f', 'image2', out,
    ],
    { signal },
  )
}
