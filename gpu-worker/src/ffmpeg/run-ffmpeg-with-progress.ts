import { spawn } from 'node:child_process'
import { ProcessError } from './run-process'

/**
 * Runs an ffmpeg encode, reporting the fraction of `durationSeconds` done (its `-progress` output);
 * killed when `signal` aborts, so a cancelled render stops encoding at once.
 */
export function runFfmpegWithProgress(ffmpeg: string, args: string[], durationSeconds: number, onProgress: (p: number) => void, signal: AbortSignal): Promise<void> {
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
