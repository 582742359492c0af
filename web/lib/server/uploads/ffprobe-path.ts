import { createRequire } from 'node:module'
import path from 'node:path'
import { webEnv } from '../env'

/**
 * FFPROBE_PATH, or the binary bundled in @ffprobe-installer (the gpu-worker's way). The package is
 * required at run time from the repo's node_modules, with a name the bundler does not follow: it
 * resolves its binary from its own location on disk.
 */
export function ffprobePath(): string {
  const env = webEnv()
  if (env.FFPROBE_PATH) return env.FFPROBE_PATH
  const requireFromCwd = createRequire(path.join(/*turbopackIgnore: true*/ process.cwd(), 'package.json'))
  const name = ['@ffprobe-installer', 'ffprobe'].join('/')
  return (requireFromCwd(name) as { path: string }).path
}
