import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { ProcessError } from './run-process'

export interface TEncodeJpegOptions {
  ffmpeg: string
  rgb: Uint8Array
  width: number
  height: number
  outFile: string
  signal?: AbortSignal
  /** `jpeg` (a poster) by default; `png` for a lossless still output. */
  format?: 'jpeg' | 'png'
  /** Layout of `rgb`: rgb24 (default) or yuv420p planes. */
  pixFmt?: 'rgb24' | 'yuv420p'
}

/** Writes one raw RGB24 frame as a JPEG (the poster of a clip) or a PNG (a still output). */
export async function encodeJpeg(options: TEncodeJpegOptions): Promise<void> {
  const { ffmpeg, rgb, width, height, outFile, signal, format = 'jpeg', pixFmt = 'rgb24' } = options
  const codec =
    format === 'png'
      ? ['-pix_fmt', 'rgb24', '-c:v', 'png', '-fflags', '+bitexact', '-map_metadata', '-1']
      : ['-q:v', '3', '-pix_fmt', 'yuvj420p', '-c:v', 'mjpeg']
  signal?.throwIfAborted()
  const child = spawn(
    ffmpeg,
    [
      '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', pixFmt, '-s', `${width}x${height}`, '-i', '-',
      '-frames:v', '1', ...codec, '-f', 'image2', outFile,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  )
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)))
  const onAbort = () => child.kill('SIGKILL')
  signal?.addEventListener('abort', onAbort, { once: true })
  // EPIPE when ffmpeg dies early is reported through its exit status instead.
  child.stdin.on('error', () => undefined)
  child.stdin.end(rgb)
  try {
    const [code, sig] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null]
    signal?.throwIfAborted()
    if (code !== 0) throw new ProcessError(ffmpeg, code, sig, stderr)
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}
