import { createRequire } from 'node:module'
import path from 'node:path'
import { webEnv } from '../env'

/** FFMPEG_PATH, or the binary bundled in @ffmpeg-installer (loaded at run time, as `ffprobePath`). */
export function ffmpegPath(): string {
  const env = webEnv()
  if (env.FFMPEG_PATH) return env.FFMPEG_PATH
  const requireFromCwd = createRequire(path.join(/*turbopackIgnore: true*/ process.cwd(), 'package.json'))
  const name = ['@ffmpeg-installer', 'ffmpeg'].join('/')
  return (requireFromCwd(name) as { path: string }).path
}
