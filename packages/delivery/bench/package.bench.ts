/**
 * `npm run bench -- deliver-package`: the peak memory of streaming a delivery package of ~300 MB of
 * clips (six 50 MB clips and a 50 MB render, local store), as growth of the process's resident set
 * over its size just before the zip starts. The package streams, so this should stay near the
 * zip's and the store's buffers, far below the bytes written.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { LocalAssetStore } from '@montage/assets'
import { ZSequenceTimeline } from '@montage/core'
import type { BenchResults } from '../../../bench/bench-results'
import { streamDeliveryPackage } from '../src'

const CLIP_MB = 50
const CLIPS = 6

/** Random bytes in 1 MiB chunks, never held whole. */
const randomStream = (mb: number) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < mb; i++) yield randomBytes(1024 * 1024)
    })(),
  )

export default async function deliverPackageBench(): Promise<BenchResults> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-deliver-'))
  try {
    const store = new LocalAssetStore(path.join(dir, 'assets'))
    const shas: string[] = []
    for (let i = 0; i <= CLIPS; i++) shas.push((await store.putStream(randomStream(CLIP_MB))).sha256)
    const renderSha = shas.pop()!
    const timeline = ZSequenceTimeline.parse({
      sequenceId: 'shape:bench-seq',
      boardId: '00000000-0000-4000-8000-000000000001',
      title: 'Bench',
      fps: 24,
      aspectRatio: '16:9',
      width: 1920,
      height: 1080,
      fit: 'letterbox',
      delivery: true,
      clips: shas.map((sha, i) => ({
        clipId: `shape:c${i}`, variationId: `shape:v${i}`, generationId: `g${i}`, assetSha256: sha, mimeType: 'video/mp4', still: false,
        sourceFrames: 120, inFrame: 0, outFrame: 120, transition: i === 0 ? 'cut' : 'crossfade', transitionFrames: i === 0 ? 0 : 12, gainDb: 0, label: `Clip ${i + 1}`,
      })),
      audioTracks: [],
    })
    if (global.gc) global.gc()
    const before = process.memoryUsage().rss
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10)
    let written = 0
    const started = performance.now()
    const pkg = await streamDeliveryPackage({
      store,
      timeline,
      render: { sha256: renderSha, mimeType: 'video/mp4', variationId: 'shape:render', generationId: null },
      provenance: { generations: new Map(), decisions: new Map(), approved: new Map() },
    })
    await pipeline(pkg.stream, new Writable({ write: (chunk: Buffer, _e, cb) => ((written += chunk.length), cb()) }))
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().rss)
    const seconds = (performance.now() - started) / 1000
    const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10
    console.log(`  streamed ${mb(written)} MB in ${seconds.toFixed(2)} s; rss before ${mb(before)} MB, peak ${mb(peak)} MB`)
    return {
      'deliver.package_peak_mb': { value: mb(peak - before), unit: 'MB' },
      'deliver.package_mb_per_s': { value: Math.round((written / 1024 / 1024 / seconds) * 10) / 10, unit: 'MB/s' },
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
