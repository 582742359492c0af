import { spawn } from 'node:child_process'

export interface TRunProcessOptions {
  signal?: AbortSignal
  /** Reject when stdout grows past this many bytes (a decoder fed something unexpected). */
  maxStdoutBytes?: number
}

export interface TProcessResult {
  stdout: Buffer
  stderr: string
}

/** Runs a short-lived tool to completion; killed when `signal` aborts. */
export function runProcess(command: string, args: string[], options: TRunProcessOptions = {}): Promise<TProcessResult> {
  const { signal, maxStdoutBytes = Infinity } = options
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const chunks: Buffer[] = []
    let stdoutBytes = 0
    let stderr = ''
    let failure: unknown
    const onAbort = () => {
      failure ??= signal?.reason
      child.kill('SIGKILL')
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length
      if (stdoutBytes > maxStdoutBytes) {
        failure ??= new Error(`${command} wrote more than ${maxStdoutBytes} bytes`)
        child.kill('SIGKILL')
        return
      }
      chunks.push(chunk)
    })
    // Keep only the tail: ffmpeg's last lines carry the reason it failed.
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000)
    })
    child.on('error', (e) => {
      failure ??= e
    })
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', onAbort)
      if (failure !== undefined) return reject(failure)
      if (code !== 0) return reject(new ProcessError(command, code, sig, stderr))
      resolve({ stdout: Buffer.concat(chunks), stderr })
    })
  })
}

export class ProcessError extends Error {
  override name = 'ProcessError'
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly exitSignal: NodeJS.Signals | null,
    readonly stderr: string,
  ) {
    super(`${command} exited with ${exitCode ?? exitSignal}: ${lastLine(stderr)}`)
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n')
  return lines[lines.length - 1] ?? ''
}
