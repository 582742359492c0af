import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** FFMPEG_PATH, else the bundled binary (as the gpu-worker resolves it). */
export function ffmpegPath(): string {
  return process.env.FFMPEG_PATH || (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path
}

/** Real media made by ffmpeg: a 2 s H.264/AAC mp4 (moov after mdat, as ffmpeg writes by default), a 1 s MOV, a JPEG and a PNG. */
export async function makeMedia(dir: string): Promise<{ mp4: string; mov: string; jpeg: string; png: string }> {
  const ff = ffmpegPath()
  const mp4 = `${dir}/clip.mp4`
  const mov = `${dir}/clip.mov`
  const jpeg = `${dir}/still.jpg`
  const png = `${dir}/still.png`
  await run(ff, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=24', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', mp4])
  await run(ff, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=24', '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', mov])
  await run(ff, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240', '-frames:v', '1', jpeg])
  await run(ff, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240', '-frames:v', '1', png])
  return { mp4, mov, jpeg, png }
}

/** One MD5 per decoded frame and audio packet: equal lists mean the file plays exactly as before. */
export async function frameDigests(file: string): Promise<string[]> {
  const { stdout } = await run(ffmpegPath(), ['-v', 'error', '-i', file, '-f', 'framemd5', '-'], { maxBuffer: 16 * 1024 * 1024 })
  return stdout.split('\n').filter((l) => l && !l.startsWith('#'))
}

/** Where a top-level MP4 box's payload starts and ends. */
export function findTopBox(buf: Uint8Array, type: string): { start: number; end: number } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let pos = 0
  while (pos + 8 <= buf.length) {
    const size = view.getUint32(pos)
    const t = Buffer.from(buf.subarray(pos + 4, pos + 8)).toString('latin1')
    if (t === type) return { start: pos + 8, end: pos + size }
    if (size < 8) break
    pos += size
  }
  throw new Error(`no top-level ${type} box`)
}

/** Where a PNG chunk's data starts and ends. */
export function findPngChunk(buf: Uint8Array, type: string): { start: number; end: number } {
  let pos = 8
  while (pos + 8 <= buf.length) {
    const len = Buffer.from(buf.subarray(pos, pos + 4)).readUInt32BE(0)
    const t = Buffer.from(buf.subarray(pos + 4, pos + 8)).toString('latin1')
    if (t === type) return { start: pos + 8, end: pos + 8 + len }
    pos += 12 + len
  }
  throw new Error(`no ${type} chunk`)
}

/** Where a JPEG's entropy-coded scan data lies (after SOS, before EOI). */
export function findJpegScan(buf: Uint8Array): { start: number; end: number } {
  let pos = 2
  while (pos + 4 <= buf.length) {
    if (buf[pos] !== 0xff) throw new Error('JPEG segment expected')
    const marker = buf[pos + 1]!
    const len = Buffer.from(buf.subarray(pos + 2, pos + 4)).readUInt16BE(0)
    if (marker === 0xda) return { start: pos + 2 + len, end: buf.length - 2 }
    pos += 2 + len
  }
  throw new Error('no SOS segment')
}
