import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'
import { ProcessError } from './run-process'

export interface TRawFrameReaderOptions {
  ffmpeg: string
  /** Arguments up to and including the input and filters; the raw output is appended. */
  args: string[]
  pixFmt: 'rgb24' | 'rgba'
  width: number
  height: number
  /** Decoded frames held ahead of the consumer; ffmpeg is paused past this (default 3). */
  prefetch?: number
}

/**
 * Decodes with ffmpeg to raw frames on stdout and hands them out one at a time. It reads ahead by
 * `prefetch` frames so decoding overlaps the work on earlier frames, and pauses ffmpeg's stdout
 * past that, so a clip never sits in memory whole.
 */
export class RawFrameReader implements AsyncIterable<Uint8Array> {
  private readonly child: ChildProcessByStdio<null, Readable, Readable>
  private readonly frameBytes: number
  private readonly prefetch: number
  private readonly ready: Uint8Array[] = []
  private pending: Buffer[] = []
  private pendingBytes = 0
  private stderr = ''
  private done = false
  private failure: unknown
  private wake?: () => void

  constructor(private readonly options: TRawFrameReaderOptions) {
    const { ffmpeg, args, pixFmt, width, height } = options
    this.frameBytes = width * height * (pixFmt === 'rgba' ? 4 : 3)
    this.prefetch = options.prefetch ?? 3
    this.child = spawn(ffmpeg, [...args, '-f', 'rawvideo', '-pix_fmt', pixFmt, '-s', `${width}x${height}`, '-'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk))
    this.child.stderr.on('data', (c: Buffer) => (this.stderr = (this.stderr + c.toString('utf8')).slice(-4000)))
    this.child.on('error', (e) => this.finish(e))
    this.child.on('close', (code, signal) => {
      if (code !== 0) return this.finish(new ProcessError(ffmpeg, code, signal, this.stderr))
      if (this.pendingBytes > 0) {
        return this.finish(new ProcessError(ffmpeg, code, signal, `ended inside a frame (${this.pendingBytes} of ${this.frameBytes} bytes)`))
      }
      this.finish(undefined)
    })
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    try {
      for (;;) {
        const frame = this.ready.shift()
        if (frame) {
          if (this.ready.length < this.prefetch) this.child.stdout.resume()
          yield frame
          continue
        }
        if (this.done) {
          if (this.failure !== undefined) throw this.failure
          return
        }
        await new Promise<void>((resolve) => (this.wake = resolve))
      }
    } finally {
      // A consumer that stops early (an error downstream, enough frames) must not leave ffmpeg behind.
      this.kill()
    }
  }

  /** Kills ffmpeg (cancellation, or a consumer that stopped early); safe to call at any time. */
  kill(): void {
    if (!this.done) this.child.kill('SIGKILL')
  }

  private onData(chunk: Buffer): void {
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    while (this.pendingBytes >= this.frameBytes) {
      const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending)
      this.ready.push(new Uint8Array(all.buffer, all.byteOffset, this.frameBytes).slice())
      const rest = all.subarray(this.frameBytes)
      this.pending = rest.length ? [rest] : []
      this.pendingBytes = rest.length
    }
    if (this.ready.length >= this.prefetch) this.child.stdout.pause()
    this.signal()
  }

  private finish(failure: unknown): void {
    if (this.done) return
    this.done = true
    this.failure = failure
    this.signal()
  }

  private signal(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}
