/**
 * `npm run bench -- deliver-package`: the peak memory of streaming a delivery package of ~300 MB of
 * clips (six 50 MB clips and a 50 MB render, local store), as growth of the process's resident set
 * over its size just before the zip starts (or of live heap and buffer bytes, whichever grew more), twice: as stored (`deliver.package_unsigned_peak_mb`)
 * and with every file's Content Credentials as the web route writes it (`deliver.package_peak_mb`).
 * The zip streams, and signing an mp4 reads it as a stream three times holding only its `moov`
 * (`signBmff`), so the signed peak should stay near the unsigned one, whatever the files' sizes.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { LocalAssetStore } from '@montage/assets'
import { ZSequenceTimeline } from '@montage/core'
import { createEntrySigner, createTestCertificates, readSigningCredentials, type TProvenanceClaim } from '@montage/provenance'
import type { BenchResults } from '../../../bench/bench-results'
import { streamDeliveryPackage, type TPackageEntry, type TPackageEntrySigner } from '../src'

const CLIP_MB = 50
const CLIPS = 6

/** A real 2 s H.264 mp4 from ffmpeg (Debian's, or FFMPEG_PATH), to be padded to size. */
async function smallMp4(dir: string): Promise<Buffer> {
  const file = path.join(dir, 'seed.mp4')
  await new Promise<void>((resolve, reject) =>
    execFile(process.env.FFMPEG_PATH ?? 'ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=24:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast', file], (e) => (e ? reject(e) : resolve())),
  )
  return readFile(file)
}

/** The mp4 followed by a top-level `free` box of random bytes: a playable 50 MB file, distinct each time, whose every byte the manifest's hash covers. */
const paddedMp4 = (seed: Buffer, mb: number) =>
  Readable.from(
    (function* () {
      yield seed
      const header = Buffer.alloc(8)
      header.writeUInt32BE(mb * 1024 * 1024 - seed.length, 0)
      header.write('free', 4, 'latin1')
      yield header
      const rest = mb * 1024 * 1024 - seed.length - 8
      for (let left = rest; left > 0; left -= 1024 * 1024) yield randomBytes(Math.min(left, 1024 * 1024))
    })(),
  )

export default async function deliverPackageBench(): Promise<BenchResults> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-deliver-'))
  try {
    const store = new LocalAssetStore(path.join(dir, 'assets'))
    const seed = await smallMp4(dir)
    const shas: string[] = []
    for (let i = 0; i <= CLIPS; i++) shas.push((await store.putStream(paddedMp4(seed, CLIP_MB))).sha256)
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
    const render = { sha256: renderSha, mimeType: 'video/mp4', variationId: 'shape:render', generationId: null }
    const certs = await createTestCertificates()
    const components = shas.map((sha, i) => ({ title: `clip ${i + 1}.mp4`, format: 'video/mp4', sha256: sha, relationship: 'componentOf' as const }))
    const approvals = shas.map((_, i) => ({ variationId: `shape:v${i}`, decision: 'approved' as const, by: { id: 'u1', name: 'Ada Moreau' }, role: 'producer', decidedAt: '2026-12-01T10:00:00.000Z' }))
    // The claims the web route makes, in shape: clips generated, the render a composite, text written.
    const claimFor = (e: TPackageEntry): TProvenanceClaim =>
      e.kind === 'clip'
        ? { title: e.path, origin: { kind: 'generated', model: 'gen4_turbo' }, approvals: approvals.slice(0, 1) }
        : e.kind === 'render'
          ? { title: e.path, origin: { kind: 'composite' }, ingredients: components, approvals }
          : { title: e.path, origin: { kind: 'written', description: 'Written by Montage' }, ingredients: components, approvals }
    const signEntry: TPackageEntrySigner = createEntrySigner<TPackageEntry>({ credentials: readSigningCredentials({ chainPem: certs.chainPem, keyPem: certs.keyPem }), claimFor })

    const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10
    // Live bytes (JS heap and the buffers outside it) as well as the resident set: setting up the
    // store leaves freed pages the allocator keeps and reuses, which can hide a buffer from RSS.
    const live = () => {
      const m = process.memoryUsage()
      return m.heapUsed + m.external
    }
    const measure = async (label: string, sign?: TPackageEntrySigner) => {
      if (global.gc) global.gc()
      const before = { rss: process.memoryUsage().rss, live: live() }
      const peak = { ...before }
      const sample = () => {
        peak.rss = Math.max(peak.rss, process.memoryUsage().rss)
        peak.live = Math.max(peak.live, live())
      }
      const sampler = setInterval(sample, 5)
      let written = 0
      const started = performance.now()
      const pkg = await streamDeliveryPackage({ store, timeline, render, provenance: { generations: new Map(), decisions: new Map(), approved: new Map() }, ...(sign ? { signEntry: sign } : {}) })
      await pipeline(pkg.stream, new Writable({ write: (chunk: Buffer, _e, cb) => ((written += chunk.length), cb()) }))
      clearInterval(sampler)
      sample()
      const seconds = (performance.now() - started) / 1000
      console.log(`  ${label}: ${pkg.paths.length} files, ${written} bytes in ${seconds.toFixed(2)} s; rss ${mb(before.rss)} → peak ${mb(peak.rss)} MB; live ${mb(before.live)} → peak ${mb(peak.live)} MB`)
      return { peak: mb(Math.max(peak.rss - before.rss, peak.live - before.live)), rate: Math.round((written / 1024 / 1024 / seconds) * 10) / 10 }
    }
    // Unsigned first: resident memory a signed run took is not all given back to the system.
    const plain = await measure('as stored')
    const signed = await measure('signed', signEntry)
    return {
      'deliver.package_unsigned_peak_mb': { value: plain.peak, unit: 'MB' },
      'deliver.package_peak_mb': { value: signed.peak, unit: 'MB' },
      'deliver.package_mb_per_s': { value: signed.rate, unit: 'MB/s' },
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
