import { spawn } from 'node:child_process'
import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { ProcessError } from '../ffmpeg/run-process'
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
  await encodeWithProgress(
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

/** Runs an ffmpeg encode, reporting the fraction of `durationSeconds` done (its `-progress` output). */
function encodeWithProgress(ffmpeg: string, args: string[], durationSeconds: number, onProgress: (p: number) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const child = spawn(ffmpeg, ['-progress', 'pipe:1', '-nostats', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    let pending = ''
    const onAbort = () => child.kill('SIGKILL')
    signal.addEventListener('abort', onAbort, { once: true })
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        const m = /^out_time_us=(\d+)/.exec(line)
        if (m && durationSeconds > 0) onProgress(Math.min(1, Number(m[1]) / 1e6 / durationSeconds))
      }
    })
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)))
    child.on('error', reject)
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort)
      if (signal.aborted) return reject(signal.reason)
      if (code !== 0) return reject(new ProcessError(ffmpeg, code, sig, stderr))
      resolve()
    })
  })
}
