import { createRequire } from 'node:module'

export interface TFfmpegPaths {
  ffmpeg: string
  ffprobe: string
}

/**
 * FFMPEG_PATH / FFPROBE_PATH win; otherwise the binaries bundled in the installer packages.
 * The packages are required lazily because they throw at import on platforms they do not ship.
 */
export function resolveFfmpegPaths(env: NodeJS.ProcessEnv = process.env): TFfmpegPaths {
  const require = createRequire(import.meta.url)
  const ffmpeg = env.FFMPEG_PATH || (require('@ffmpeg-installer/ffmpeg') as { path: string }).path
  const ffprobe = env.FFPROBE_PATH || (require('@ffprobe-installer/ffprobe') as { path: string }).path
  return { ffmpeg, ffprobe }
}
