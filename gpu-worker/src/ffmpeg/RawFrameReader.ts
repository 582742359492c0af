import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs'
import { Socket, type SocketConstructorOpts } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { FramePool } from './FramePool'
import { frameProcessEnv } from './frame-process-env'
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
  /** Where frames are made and given back to (a kernel's memory); a pool of the reader's own by default. */
  frames?: FramePool
}

/**
 * Where ffmpeg's raw frames arrive: a named pipe read straight into the frame being filled (no
 * chunk buffers, no copy), or, where named pipes cannot be made, ffmpeg's stdout.
 */
interface TFrameInput {
  readonly stream: Readable
  pause(): void
  resume(): void
  /** ffmpeg has exited: whatever it wrote is still to be read, then the input ends. */
  writerExited(): void
  close(): void
}

/**
 * Decodes with ffmpeg to raw frames and hands them out one at a time. It reads ahead by `prefetch`
 * frames so decoding overlaps the work on earlier frames, and pauses ffmpeg past that, so a clip
 * never sits in memory whole.
 *
 * The frames come through a named pipe, read straight into each frame's buffer by the OS:
 * reading ffmpeg's stdout instead costs a fresh 64 KiB buffer per pipe read and a copy of each
 * into the frame, which at 720p and up is most of the main thread's time per frame and garbage that
 * keeps V8's collector busy. A consumer done with a frame may hand it back (`recycle`) to be filled
 * again.
 */
export class RawFrameReader implements AsyncIterable<Uint8Array> {
  private readonly child: ChildProcess
  private readonly input: TFrameInput
  private readonly frameBytes: number
  private readonly prefetch: number
  private readonly ready: Uint8Array[] = []
  private readonly frames: FramePool
  /** The frame being filled, and how many of its bytes have arrived. */
  private filling?: Uint8Array
  private filled = 0
  private stderr = ''
  private exit?: { code: number | null; signal: NodeJS.Signals | null }
  private inputEnded = false
  private done = false
  private failure: unknown
  private wake?: () => void

  constructor(private readonly options: TRawFrameReaderOptions) {
    const { ffmpeg, args, pixFmt, width, height } = options
    this.frameBytes = width * height * (pixFmt === 'rgba' ? 4 : 3)
    this.prefetch = options.prefetch ?? 3
    this.frames = options.frames ?? new FramePool(this.frameBytes, this.prefetch + 2)
    if (this.frames.bytes !== this.frameBytes) throw new Error(`RawFrameReader: a pool of ${this.frames.bytes}-byte frames for ${this.frameBytes}-byte ${pixFmt} frames`)
    const fifo = makeFifo()
    const output = [...args, '-f', 'rawvideo', '-pix_fmt', pixFmt, '-s', `${width}x${height}`, '-y', fifo?.file ?? '-']
    // Opened before ffmpeg starts (non-blocking, so it does not wait for the writer): ffmpeg's own
    // open then finds its reader and never blocks.
    const fifoFd = fifo && openSync(fifo.file, constants.O_RDONLY | constants.O_NONBLOCK)
    this.child = spawn(ffmpeg, output, { stdio: [options.fed ? 'pipe' : 'ignore', fifo ? 'ignore' : 'pipe', 'pipe'], env: frameProcessEnv(this.frameBytes) })
    this.input = fifo ? this.fifoInput(fifoFd!, fifo.dir) : this.stdoutInput(this.child.stdout!)
    this.input.stream.on('end', () => {
      this.inputEnded = true
      this.settle()
    })
    this.input.stream.on('error', (e) => this.finish(e))
    // A write after ffmpeg died fails with EPIPE; the failure reported is ffmpeg's own (exit).
    this.child.stdin?.on('error', () => undefined)
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr = (this.stderr + c.toString('utf8')).slice(-4000)))
    this.child.on('error', (e) => this.finish(e))
    this.child.on('close', (code, signal) => {
      this.exit = { code, signal }
      this.input.writerExited()
      this.settle()
    })
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    try {
      for (;;) {
        const frame = this.ready.shift()
        if (frame) {
          if (this.ready.length < this.prefetch) this.input.resume()
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
      // Frames read and not handed out, or half filled, go back (a shared pool outlives the reader).
      for (const frame of this.ready.splice(0)) this.frames.give(frame)
      if (this.filling) this.frames.give(this.filling)
      this.filling = undefined
    }
  }

  /**
   * Hands back a frame this reader gave out, to be filled again: only once nothing holds it any more
   * (its transform has copied what it needs, and nothing kept it).
   */
  recycle(frame: Uint8Array): void {
    this.frames.give(frame)
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
    if (this.done) return
    this.child.kill('SIGKILL')
    this.input.close()
  }

  private fifoInput(fd: number, dir: string): TFrameInput {
    // `onread` (Node ≥ 12, missing from @types/node's constructor options): reads go into our buffer.
    const options: SocketConstructorOpts & { onread: { buffer: () => Uint8Array; callback: (n: number) => boolean } } = {
      fd,
      readable: true,
      writable: false,
      onread: {
        // Each read lands in the rest of the frame being filled.
        buffer: () => this.target().subarray(this.filled),
        callback: (n) => this.arrived(n),
      },
    }
    const socket = new Socket(options)
    // The name goes with the reader (onread sockets emit no 'data' to time it earlier by).
    socket.once('close', () => rmSync(dir, { recursive: true, force: true }))
    // A pipe whose writer never opened it (an ffmpeg that exits before writing anything) would
    // never report its end: opening and closing a writer ourselves ends it, after any bytes left.
    const writerExited = () => {
      try {
        closeSync(openSync(path.join(dir, 'raw'), constants.O_WRONLY | constants.O_NONBLOCK))
      } catch {
        // Already closed and removed (the reader was killed).
      }
    }
    return { stream: socket, pause: () => socket.pause(), resume: () => socket.resume(), writerExited, close: () => socket.destroy() }
  }

  private stdoutInput(stdout: Readable): TFrameInput {
    stdout.on('data', (chunk: Buffer) => {
      for (let at = 0; at < chunk.length; ) {
        const n = Math.min(chunk.length - at, this.frameBytes - this.filled)
        this.target().set(chunk.subarray(at, at + n), this.filled)
        at += n
        this.arrived(n)
      }
    })
    return { stream: stdout, pause: () => stdout.pause(), resume: () => stdout.resume(), writerExited: () => undefined, close: () => stdout.destroy() }
  }

  /** The frame being filled: a recycled one, or a new one (not zero-filled: every byte is written before it is handed out). */
  private target(): Uint8Array {
    this.filling ??= this.frames.take()
    return this.filling
  }

  /** `n` more bytes of the frame being filled have arrived; false pauses the input. */
  private arrived(n: number): boolean {
    this.filled += n
    if (this.filled === this.frameBytes) {
      this.ready.push(this.filling!)
      this.filling = undefined
      this.filled = 0
      this.signal()
    }
    if (this.ready.length >= this.prefetch) {
      this.input?.pause()
      return false
    }
    return true
  }

  /** Done once ffmpeg has exited and every byte it wrote has been read (or at once, if it failed). */
  private settle(): void {
    const exit = this.exit
    if (!exit) return
    const { ffmpeg } = this.options
    if (exit.code !== 0) return this.finish(new ProcessError(ffmpeg, exit.code, exit.signal, this.stderr))
    if (!this.inputEnded) return
    if (this.filled > 0) return this.finish(new ProcessError(ffmpeg, exit.code, exit.signal, `ended inside a frame (${this.filled} of ${this.frameBytes} bytes)`))
    this.finish(undefined)
  }

  private finish(failure: unknown): void {
    if (this.done) return
    this.done = true
    this.failure = failure
    this.input.close()
    this.signal()
  }

  private signal(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}

/** A named pipe in a folder of its own, or undefined where none can be made (mkfifo missing). */
function makeFifo(): { dir: string; file: string } | undefined {
  if (process.platform === 'win32') return undefined
  const dir = mkdtempSync(path.join(tmpdir(), 'frames-'))
  const file = path.join(dir, 'raw')
  try {
    execFileSync('mkfifo', ['-m', '600', file], { stdio: 'ignore' })
    return { dir, file }
  } catch {
    rmSync(dir, { recursive: true, force: true })
    return undefined
  }
}
