import { spawn } from 'node:child_process'

export interface TTestClipOptions {
  width: number
  height: number
  fps: number
  seconds: number
  /** geq expressions of the red, green and blue planes (T is the clip's time in seconds). */
  rgb: [string, string, string]
  /** A sine of this frequency as the clip's own sound; no audio stream when absent. */
  sineHz?: number
}

/**
 * Writes an H.264 clip whose every pixel is a known colour at each moment (a flat colour, or one
 * that ramps with T), so a test can read back which source frame landed where in a render.
 */
export function writeTestClip(ffmpeg: string, file: string, o: TTestClipOptions): Promise<void> {
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=black:s=${o.width}x${o.height}:r=${o.fps}:d=${o.seconds}`]
  if (o.sineHz) args.push('-f', 'lavfi', '-i', `sine=frequency=${o.sineHz}:sample_rate=48000:duration=${o.seconds}`)
  args.push('-vf', `format=rgb24,geq=r='${o.rgb[0]}':g='${o.rgb[1]}':b='${o.rgb[2]}',format=yuv420p`, '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p')
  if (o.sineHz) args.push('-c:a', 'aac', '-b:a', '128k', '-shortest')
  args.push(file)
  return runFfmpeg(ffmpeg, args)
}

/** Writes a WAV of a sine: an audio track's sound in a test. */
export function writeTestSound(ffmpeg: string, file: string, o: { hz: number; seconds: number }): Promise<void> {
  return runFfmpeg(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${o.hz}:sample_rate=48000:duration=${o.seconds}`, '-ac', '2', file])
}

function runFfmpeg(ffmpeg: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${stderr.slice(-500)}`))))
  })
}
