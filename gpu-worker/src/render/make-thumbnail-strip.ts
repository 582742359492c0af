import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { runProcess } from '../ffmpeg/run-process'
import { STRIP_FRAME_WIDTH, STRIP_FRAMES } from '@montage/core'

/**
 * The hover-scrub strip of a clip: one JPEG of up to STRIP_FRAMES evenly spaced frames, each
 * STRIP_FRAME_WIDTH px wide, side by side. Answers how many frames it holds (fewer for a clip
 * shorter than STRIP_FRAMES frames), which the card needs to slice it.
 */
export async function makeThumbnailStrip(
  ffmpeg: TFfmpegPaths,
  clip: { file: string; frames: number; durationSeconds: number },
  stripFile: string,
  signal?: AbortSignal,
): Promise<number> {
  const stripFrames = Math.max(1, Math.min(STRIP_FRAMES, clip.frames))
  // One frame per equal slice of the clip, taken at the slice's middle, laid side by side.
  const rate = stripFrames / clip.durationSeconds
  await runProcess(
    ffmpeg.ffmpeg,
    [
      '-v', 'error', '-y', '-i', clip.file, '-an',
      '-vf', `fps=${rate.toFixed(6)}:start_time=${(0.5 / rate).toFixed(6)}:round=near,scale=${STRIP_FRAME_WIDTH}:-2,tile=${stripFrames}x1`,
      '-frames:v', '1', '-q:v', '4', '-pix_fmt', 'yuvj420p', '-f', 'image2', stripFile,
    ],
    { signal },
  )
  return stripFrames
}
