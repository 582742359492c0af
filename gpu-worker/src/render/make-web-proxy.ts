import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { runFfmpegWithProgress } from '../ffmpeg/run-ffmpeg-with-progress'
import { webProxySize } from './web-proxy-size'

export interface TMakeWebProxyOptions {
  /** The clip's size, as probed or as rendered. */
  width: number
  height: number
  durationSeconds: number
  signal?: AbortSignal
  /** Fraction of the clip encoded so far, about twice a second. */
  onProgress?: (fraction: number) => void
}

/**
 * The web proxy of a clip, the one rendition browsers play on cards and in review: H.264 yuv420p
 * (High profile, what every browser decodes) at most 720p (`webProxySize`), square pixels, a
 * keyframe every second so that seeking and frame stepping stay quick, AAC audio if the clip has
 * any, and +faststart so playback starts before the whole file has arrived. Answers its size.
 */
export async function makeWebProxy(ffmpeg: TFfmpegPaths, file: string, proxyFile: string, options: TMakeWebProxyOptions): Promise<{ width: number; height: number }> {
  const size = webProxySize(options.width, options.height)
  await runFfmpegWithProgress(
    ffmpeg.ffmpeg,
    [
      '-v', 'error', '-y', '-i', file, '-map', '0:v:0', '-map', '0:a:0?',
      '-vf', `scale=${size.width}:${size.height},setsar=1,format=yuv420p`,
      // CRF 23 with a 4 Mb/s ceiling: close enough to judge framing, motion and colour, light enough to stream.
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-maxrate', '4000k', '-bufsize', '8000k', '-pix_fmt', 'yuv420p',
      '-force_key_frames', 'expr:gte(t,n_forced*1)', '-forced-idr', '1',
      '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', proxyFile,
    ],
    options.durationSeconds,
    options.onProgress ?? (() => undefined),
    options.signal ?? new AbortController().signal,
  )
  return size
}
