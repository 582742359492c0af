import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'
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
  /** ffmpeg reads its input from stdin, fed by `write` (a filter run on frames we hold). */
  fed?: boolean
}

/**
 * Decodes with ffmpeg to raw frames on stdout and hands them out one at a time. It reads ahead by
 * `prefetch` frames so decoding overlaps the work on earlier frames, and pauses ffmpeg's stdout
 * past that, so a clip never sits in memory whole.
 */
export class RawFrameReader implements AsyncIterable<Uint8Array> {
  private readonly child: ChildProcessByStdio<Writable | null, Readable, Readable>
  private readonly frameBytes: number
  private readonly prefetch: number
  private readonly ready: Uint8Array[] = []
  /** The frame being filled from stdout, and how many of its bytes have arrived. */
  private filling?: Uint8Array
  private filled = 0
  private stderr = ''
  private done = false
  private failure: unknown
  private wake?: () => void

  constructor(private readonly options: TRawFrameReaderOptions) {
    const { ffmpeg, args, pixFmt, width, height } = options
    this.frameBytes = width * height * (pixFmt === 'rgba' ? 4 : 3)
    this.prefetch = options.prefetch ?? 3
    const output = [...args, '-f', 'rawvideo', '-pix_fmt', pixFmt, '-s', `${width}x${height}`, '-']
    this.child = options.fed
      ? spawn(ffmpeg, output, { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(ffmpeg, output, { stdio: ['ignore', 'pipe', 'pipe'] })
    // A write after ffmpeg died fails with EPIPE; the failure reported is ffmpeg's own (close).
    this.child.stdin?.on('error', () => undefined)
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk))
    this.child.stderr.on('data', (c: Buffer) => (this.stderr = (this.stderr + c.toString('utf8')).slice(-4000)))
    this.child.on('error', (e) => this.finish(e))
    this.child.on('close', (code, signal) => {
      if (code !== 0) return this.finish(new ProcessError(ffmpeg, code, signal, this.stderr))
      if (this.filled > 0) {
        return this.finish(new ProcessError(ffmpeg, code, signal, `ended inside a frame (${this.filled} of ${this.frameBytes} bytes)`))
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

  /**
   * Feeds one input frame to ffmpeg's stdin (`fed` readers); resolves once the pipe has taken it,
   * so a caller that awaits each write holds at most one frame in the pipe's buffer.
   */
  write(frame: Uint8Array): Promise<void> {
    const stdin = this.child.stdin
    if (!stdin) throw new Error('RawFrameReader.write needs a reader created with fed: true')
    return new Promise((resolve) => {
      if (this.done || !stdin.write(frame)) {
        // Resolved on drain, or when ffmpeg is gone (the failure then surfaces from the frames).
        const settle = () => {
          stdin.off('drain', settle)
          this.child.off('close', settle)
          resolve()
        }
        if (this.done) return resolve()
        stdin.once('drain', settle)
        this.child.once('close', settle)
      } else resolve()
    })
  }

  /** Ends ffmpeg's input (`fed` readers): it flushes the frames still in its filters and exits. */
  endInput(): void {
    this.child.stdin?.end()
  }

  /** Kills ffmpeg (cancellation, or a consumer that stopped early); safe to call at any time. */
  kill(): void {
    if (!this.done) this.child.kill('SIGKILL')
  }

  private onData(chunk: Buffer): void {
    // Each chunk is copied once, straight into its frame (a frame is ~40–170 pipe reads).
    for (let at = 0; at < chunk.length; ) {
      // Not zero-filled: every byte is written before the frame is handed out.
      this.filling ??= new Uint8Array(Buffer.allocUnsafeSlow(this.frameBytes).buffer, 0, this.frameBytes)
      const n = Math.min(chunk.length - at, this.frameBytes - this.filled)
      this.filling.set(chunk.subarray(at, at + n), this.filled)
      this.filled += n
      at += n
      if (this.filled === this.frameBytes) {
        this.ready.push(this.filling)
        this.filling = undefined
        this.filled = 0
      }
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
