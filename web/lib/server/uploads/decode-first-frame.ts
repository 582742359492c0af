import { spawn } from 'node:child_process'
import { AppError, AppErrorCode } from '@montage/core'
import type { TUploadType } from './sniff-upload'
import { withoutSource } from './without-source'

/**
 * Decodes the first frame of an image or a clip (scaled to one grey pixel, so nothing large is
 * kept) and refuses the upload when none comes out: a header that reads well proves nothing
 * about the data after it (a text file behind a PNG signature and IHDR; a clip whose container
 * parses but whose samples are garbage). Runs after the size checks, so no bomb is decoded.
 */
export async function decodeFirstFrame(ffmpegBin: string, file: string, type: TUploadType): Promise<void> {
  const { pixels, reason } = await new Promise<{ pixels: number; reason: string }>((resolve) => {
    const child = spawn(
      ffmpegBin,
      ['-v', 'error', '-nostdin', '-threads', '1', '-i', file, '-map', '0:v:0', '-frames:v', '1', '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
    )
    let pixels = 0
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (pixels += c.length))
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)))
    const lastLine = () => stderr.trim().split('\n').find((l) => l.trim())?.replace(/^\[[^\]]+\]\s*/, '') ?? ''
    const lastLineOf = () => withoutSource(lastLine(), file)
    child.on('error', (e) => resolve({ pixels: 0, reason: e.message }))
    child.on('close', () => resolve({ pixels, reason: lastLineOf() }))
  })
  if (pixels !== 1) {
    const what = type.kind === 'image' ? 'its image data is damaged' : 'none of its frames can be read'
    throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label} cannot be decoded: ${what}${reason ? ` (${reason})` : ''}.`, { field: 'body' })
  }
}
