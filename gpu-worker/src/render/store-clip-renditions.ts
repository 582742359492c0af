import path from 'node:path'
import type { AssetStore } from '@montage/assets'
import type { TGenerationOutput } from '@montage/core'
import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { makeThumbnailStrip } from './make-thumbnail-strip'
import { makeWebProxy } from './make-web-proxy'
import { exceedsWebProxy } from './web-proxy-size'

export interface TStoreClipRenditionsOptions {
  ffmpeg: TFfmpegPaths
  /** Scratch folder for the renditions; the caller removes it. */
  workDir: string
  /** `always` for uploads (their codec may be one no browser plays); `above-720p` for our own H.264 outputs. */
  proxy: 'always' | 'above-720p'
  signal?: AbortSignal
  /** Fraction done; called at least every 2 s while it works, so a heartbeat stays alive through a long decode. */
  onProgress?: (fraction: number) => void
}

export interface TClip {
  file: string
  width: number
  height: number
  frames: number
  durationSeconds: number
}

/** The strip always; the proxy's fields only when one was made. */
export type TClipRenditions = Required<Pick<TGenerationOutput, 'stripSha256' | 'stripByteSize' | 'stripFrames'>> &
  Pick<TGenerationOutput, 'proxySha256' | 'proxyByteSize' | 'proxyWidth' | 'proxyHeight'>

/**
 * What browsers get of a clip: the web proxy (when asked for, or when the clip is larger than
 * 720p; otherwise the clip is its own proxy) and the hover-scrub strip, both stored. The strip is
 * cut from the proxy when there is one: a 160 px tile looks the same, and decoding 720p instead
 * of a 4K upscale a second time is most of the work saved.
 */
export async function storeClipRenditions(store: AssetStore, clip: TClip, options: TStoreClipRenditionsOptions): Promise<TClipRenditions> {
  const { ffmpeg, workDir, signal } = options
  let done = 0
  const report = (fraction: number) => {
    done = fraction
    options.onProgress?.(done)
  }
  const ticker = setInterval(() => options.onProgress?.(done), 2_000)
  try {
    let proxy: { file: string; width: number; height: number } | undefined
    if (options.proxy === 'always' || exceedsWebProxy(clip.width, clip.height)) {
      const file = path.join(workDir, 'proxy.mp4')
      const size = await makeWebProxy(ffmpeg, clip.file, file, { ...clip, signal, onProgress: (p) => report(0.85 * p) })
      proxy = { file, ...size }
    }
    const stripFile = path.join(workDir, 'strip.jpg')
    const stripFrames = await makeThumbnailStrip(ffmpeg, { file: proxy?.file ?? clip.file, frames: clip.frames, durationSeconds: clip.durationSeconds }, stripFile, signal)
    report(0.95)
    const strip = await store.putFile(stripFile)
    const stored = proxy ? await store.putFile(proxy.file) : undefined
    report(1)
    return {
      stripSha256: strip.sha256,
      stripByteSize: strip.byteSize,
      stripFrames,
      ...(proxy && stored ? { proxySha256: stored.sha256, proxyByteSize: stored.byteSize, proxyWidth: proxy.width, proxyHeight: proxy.height } : {}),
    }
  } finally {
    clearInterval(ticker)
  }
}
