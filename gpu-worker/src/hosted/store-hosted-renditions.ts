import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import type { AssetStore } from '@montage/assets'
import type { TGenerationOutput } from '@montage/core'
import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { storeClipRenditions } from '../render/store-clip-renditions'

export interface TStoreHostedRenditionsOptions {
  store: AssetStore
  ffmpeg: TFfmpegPaths
  /** Scratch space: a folder of its own is made in it, and removed. */
  workDir: string
  signal?: AbortSignal
  onProgress?: (fraction: number) => void
}

/**
 * A provider's downloaded clip gets what our own renders get: the hover-scrub strip and, when it
 * is larger than 720p, the web proxy. Stills pass through as they are. Idempotent: the same clip
 * makes the same bytes, and the store is content addressed.
 */
export async function storeHostedRenditions(output: TGenerationOutput, options: TStoreHostedRenditionsOptions): Promise<TGenerationOutput> {
  if (!output.mimeType.startsWith('video/') || !(output.durationSeconds > 0) || !(output.fps > 0)) return output
  await mkdir(options.workDir, { recursive: true })
  const scratch = await mkdtemp(path.join(options.workDir, 'renditions-'))
  try {
    const renditions = await options.store.withLocalFile(output.assetSha256, (file) =>
      storeClipRenditions(
        options.store,
        {
          file,
          width: output.width,
          height: output.height,
          frames: Math.max(1, Math.round(output.durationSeconds * output.fps)),
          durationSeconds: output.durationSeconds,
        },
        { ffmpeg: options.ffmpeg, workDir: scratch, proxy: 'above-720p', signal: options.signal, onProgress: options.onProgress },
      ),
    )
    return { ...output, ...renditions }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}
