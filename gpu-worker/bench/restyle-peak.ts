/** Child of engine.bench.ts: restyles one clip through the real job, prints the process's peak RSS. */
import { LocalAssetStore } from '@montage/assets'
import path from 'node:path'
import { MediaEngine } from '../src/engine/MediaEngine'
import { resolveFfmpegPaths } from '../src/ffmpeg/ffmpeg-paths'
import { restyleJob } from '../src/render/restyle-job'

const [clip, dir] = process.argv.slice(2) as [string, string]
const store = new LocalAssetStore(path.join(dir, 'assets'))
const engine = new MediaEngine({
  ffmpeg: resolveFfmpegPaths(),
  intraOpThreads: 1,
  executionProvider: process.env.ENGINE_EXECUTION_PROVIDER === 'cuda' ? 'cuda' : 'cpu',
  workDir: path.join(dir, 'work'),
  logger: { info: () => undefined, warn: () => undefined },
})
const { sha256 } = await store.putFile(clip)
const out = await restyleJob({ store, engine }, { generationId: 'bench', workspaceId: 'bench', sourceSha256: sha256, params: { preset: 'anime', strength: 1 } })
await engine.close()
// maxRSS is in kilobytes.
console.log(JSON.stringify({ peakMb: process.resourceUsage().maxRSS / 1024, frames: Math.round(out.durationSeconds * out.fps) }))
