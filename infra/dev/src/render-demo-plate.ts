import { spawn } from 'node:child_process'
import ffmpeg from '@ffmpeg-installer/ffmpeg'

/**
 * Paints the demo board's reference: a lighthouse on a headland at dusk, drawn pixel by pixel
 * so the seed needs no downloaded image, and encodes it to PNG with ffmpeg.
 */
export async function renderDemoPlate(width = 1600, height = 900): Promise<Buffer> {
  const rgb = Buffer.alloc(width * height * 3)
  const horizon = height * 0.62
  const sun = { x: width * 0.7, y: horizon - height * 0.06, r: height * 0.07 }
  const tower = { x: width * 0.32, top: height * 0.26, base: horizon - height * 0.02, w: width * 0.028 }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r: number, g: number, b: number
      if (y < horizon) {
        const t = y / horizon // sky: deep blue at the top to amber at the horizon
        r = 30 + 200 * t ** 1.6
        g = 40 + 110 * t ** 1.8
        b = 90 + 20 * (1 - t)
        const d = Math.hypot(x - sun.x, y - sun.y)
        const glow = Math.max(0, 1 - d / (sun.r * 5))
        r += 80 * glow
        g += 45 * glow
        if (d < sun.r) [r, g, b] = [255, 214, 150]
      } else {
        const t = (y - horizon) / (height - horizon) // sea, with a streak of reflected sun
        const streak = Math.max(0, 1 - Math.abs(x - sun.x) / (width * 0.05)) * (0.6 + 0.4 * Math.sin(y * 0.9))
        r = 25 + 40 * (1 - t) + 150 * streak * (1 - t)
        g = 40 + 30 * (1 - t) + 100 * streak * (1 - t)
        b = 70 + 25 * (1 - t) + 40 * streak * (1 - t)
      }
      // the headland: a dark hill on the left
      const hill = horizon - height * 0.12 * Math.exp(-(((x - width * 0.3) / (width * 0.22)) ** 2))
      if (y > hill && y < horizon + height * 0.04) [r, g, b] = [22, 24, 30]
      // the tower, tapering, striped, with a lit lantern
      const frac = (y - tower.top) / (tower.base - tower.top)
      const halfW = (tower.w / 2) * (0.75 + 0.25 * frac)
      if (frac >= 0 && frac <= 1 && Math.abs(x - tower.x) < halfW) {
        const band = Math.floor(frac * 6) % 2 === 0
        ;[r, g, b] = band ? [225, 222, 215] : [170, 40, 40]
        r *= 0.55 + 0.45 * (1 - Math.abs(x - tower.x) / halfW)
        g *= 0.55 + 0.45 * (1 - Math.abs(x - tower.x) / halfW)
        b *= 0.55 + 0.45 * (1 - Math.abs(x - tower.x) / halfW)
      }
      const lamp = Math.hypot(x - tower.x, y - (tower.top - height * 0.02))
      if (lamp < height * 0.05) {
        const k = 1 - lamp / (height * 0.05)
        r += 255 * k
        g += 230 * k
        b += 140 * k
      }
      const i = (y * width + x) * 3
      rgb[i] = Math.min(255, r)
      rgb[i + 1] = Math.min(255, g)
      rgb[i + 2] = Math.min(255, b)
    }
  }
  return encodePng(rgb, width, height)
}

function encodePng(rgb: Buffer, width: number, height: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.env.FFMPEG_PATH ?? ffmpeg.path, [
      '-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', '-',
      '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', '-',
    ])
    const chunks: Buffer[] = []
    let stderr = ''
    proc.stdout.on('data', (c: Buffer) => chunks.push(c))
    proc.stderr.on('data', (c: Buffer) => (stderr += c))
    proc.on('error', reject)
    proc.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`ffmpeg exited ${code}: ${stderr}`))))
    proc.stdin.end(rgb)
  })
}
