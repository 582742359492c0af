import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalAssetStore, type AssetStore } from '@montage/assets'
import { startS3Server, type TestS3Server } from '@montage/assets/testing'
import { ZSequenceTimeline, type TSequenceTimeline } from '@montage/core'
import { DeliveryMediaMissingError, streamDeliveryPackage, ZDeliveryManifest, type StreamDeliveryPackageOptions, type TManifestApproval, type TManifestGeneration } from '../src'
import { campaignTimeline } from './fixtures'

let dir: string
let store: AssetStore
let s3: TestS3Server | null = null
let timeline: TSequenceTimeline
let renderSha: string
const bytesBySha = new Map<string, Buffer>()

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** Run on the local folder store, or with DELIVERY_TEST_STORE=s3 on an S3 bucket (gofakes3, or TEST_S3_ENDPOINT's). */
const STORE_KIND = process.env.DELIVERY_TEST_STORE === 's3' ? 's3' : 'local'

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'delivery-package-'))
  if (STORE_KIND === 's3') {
    s3 = await startS3Server()
    store = s3.store()
  } else store = new LocalAssetStore(path.join(dir, 'assets'))
  const put = async (size: number) => {
    const bytes = randomBytes(size)
    const { sha256: sha } = await store.putBytes(bytes)
    bytesBySha.set(sha, bytes)
    return sha
  }
  // The campaign's clips and sounds, with bytes of their own in the store.
  const base = campaignTimeline(24)
  const shas = new Map<string, string>()
  const real = async (fake: string, size: number) => shas.get(fake) ?? (shas.set(fake, await put(size)), shas.get(fake)!)
  timeline = ZSequenceTimeline.parse({
    ...base,
    clips: await Promise.all(base.clips.map(async (c) => ({ ...c, assetSha256: await real(c.assetSha256, 300_000) }))),
    audioTracks: await Promise.all(base.audioTracks.map(async (t) => ({ ...t, items: await Promise.all(t.items.map(async (a) => ({ ...a, assetSha256: await real(a.assetSha256, 50_000) }))) }))),
  })
  renderSha = await put(500_000)
})

afterAll(async () => {
  await s3?.stop()
  await rm(dir, { recursive: true, force: true })
})

const maya: TManifestApproval = { decision: 'approved', by: { name: 'Maya Producer', role: 'producer' }, at: '2026-12-01T10:00:00.000Z', note: 'Lovely' }

function options(over: Partial<StreamDeliveryPackageOptions> = {}): StreamDeliveryPackageOptions {
  const generations = new Map<string, TManifestGeneration>()
  for (const c of timeline.clips) {
    generations.set(c.generationId, {
      id: c.generationId,
      shotId: `shape:shot-${c.label}`,
      model: 'gen4_turbo',
      params: { duration: 5, seed: 42 },
      credits: 25,
      request: { prompt: `A prompt for ${c.label}`, references: [{ shapeId: 'shape:ref-1', assetSha256: 'a'.repeat(64), tag: 'keeper' }] },
      createdAt: new Date('2026-12-01T09:00:00Z'),
      finishedAt: new Date('2026-12-01T09:01:00Z'),
    })
  }
  return {
    store,
    timeline,
    render: { sha256: renderSha, mimeType: 'video/mp4', variationId: 'shape:render-1', generationId: null },
    provenance: { generations, decisions: new Map(timeline.clips.map((c) => [c.variationId, [maya]])), approved: new Map(timeline.clips.map((c) => [c.variationId, true])) },
    ...over,
  }
}

async function writeZip(pkg: { stream: NodeJS.ReadableStream }, name: string): Promise<string> {
  const file = path.join(dir, name)
  await pipeline(pkg.stream, createWriteStream(file))
  return file
}

const unzipList = (zip: string) => execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n')
const unzipFile = (zip: string, entry: string) => execFileSync('unzip', ['-p', zip, entry], { maxBuffer: 64 * 1024 * 1024 })

describe(`the delivery package (${STORE_KIND} store)`, () => {
  it('holds the render, each clip and sound once, the hand-off files pointing at them, and the manifest', async () => {
    const pkg = await streamDeliveryPackage(options())
    const zip = await writeZip(pkg, 'campaign.zip')
    expect(execFileSync('unzip', ['-tq', zip], { encoding: 'utf8' })).toMatch(/No errors detected/)
    const list = unzipList(zip)
    expect(list.sort()).toEqual([...pkg.paths].sort())
    expect(pkg.fileName).toBe('lighthouse-30-spot-delivery.zip')

    // Four clips, three distinct variations: three clip files; three sounds; one render.
    const clipFiles = list.filter((p) => p.startsWith('clips/'))
    expect(clipFiles).toHaveLength(new Set(timeline.clips.map((c) => c.assetSha256)).size)
    expect(list.filter((p) => p.startsWith('audio/'))).toHaveLength(3)
    expect(list.filter((p) => p.startsWith('render/'))).toEqual(['render/lighthouse-30-spot.mp4'])
    // Each media file is the store's bytes.
    for (const entry of list.filter((p) => /^(clips|audio|render)\//.test(p))) {
      const got = unzipFile(zip, entry)
      expect(bytesBySha.has(sha256(got)), `${entry} is a stored blob`).toBe(true)
    }
    expect(sha256(unzipFile(zip, 'render/lighthouse-30-spot.mp4'))).toBe(renderSha)
    // Media are stored, text deflated.
    const verbose = execFileSync('unzip', ['-v', zip], { encoding: 'utf8' })
    for (const entry of list) {
      const row = verbose.split('\n').find((l) => l.trimEnd().endsWith(` ${entry}`))!
      expect(row, entry).toMatch(/^\s*\d+\s+(Stored|Defl:N)/)
      expect(row.includes('Stored'), entry).toBe(/^(clips|audio|render)\//.test(entry))
    }

    // The hand-off files name only files that are in the zip.
    const otio = unzipFile(zip, 'lighthouse-30-spot.otio').toString()
    const urls = [...otio.matchAll(/"target_url": "([^"]+)"/g)].map((m) => m[1]!)
    expect(urls.length).toBe(timeline.clips.length + 3)
    for (const u of urls) expect(list).toContain(u)
    const fcpxml = unzipFile(zip, 'lighthouse-30-spot.fcpxml').toString()
    for (const m of fcpxml.matchAll(/src="([^"]+)"/g)) expect(list).toContain(decodeURI(m[1]!))
    const edl = unzipFile(zip, 'lighthouse-30-spot.edl').toString()
    for (const m of edl.matchAll(/\* SOURCE FILE: (.+)\r/g)) expect(list).toContain(m[1]!)

    // The manifest: the sequence, each clip with its prompt, model, seed, references, cost and approver.
    const manifest = ZDeliveryManifest.parse(JSON.parse(unzipFile(zip, 'manifest.json').toString()))
    expect(manifest.sequence).toMatchObject({ id: timeline.sequenceId, title: timeline.title, fps: 24, totalFrames: 164 })
    expect(manifest.render).toMatchObject({ file: 'render/lighthouse-30-spot.mp4', sha256: renderSha })
    expect(manifest.handoff).toEqual({ otio: 'lighthouse-30-spot.otio', fcpxml: 'lighthouse-30-spot.fcpxml', edl: 'lighthouse-30-spot.edl' })
    expect(manifest.clips).toHaveLength(4)
    for (const [i, c] of manifest.clips.entries()) {
      expect(list).toContain(c.file)
      expect(c.sha256).toBe(timeline.clips[i]!.assetSha256)
      expect(c.approvals).toEqual([maya])
      expect(c.provenance).toMatchObject({ model: 'gen4_turbo', prompt: `A prompt for ${timeline.clips[i]!.label}`, seed: 42, references: [{ tag: 'keeper', sha256: 'a'.repeat(64) }] })
    }
    // The first variation is used twice but paid for once.
    expect(manifest.costs).toEqual({ clipsCredits: 75, renderCredits: 0, totalCredits: 75, unit: 'credits' })
  })

  it('passes every file through the signing seam, in zip order, and writes what it returns', async () => {
    const seen: string[] = []
    const pkg = await streamDeliveryPackage(
      options({
        signEntry: async (entry) => {
          seen.push(entry.path)
          return entry.kind === 'render' ? [entry, { ...entry, path: `${entry.path}.c2pa`, kind: 'manifest', mimeType: 'application/c2pa', open: entry.open }] : [entry]
        },
      }),
    )
    const zip = await writeZip(pkg, 'signed.zip')
    expect(seen).toEqual(unzipList(zip).filter((p) => !p.endsWith('.c2pa')))
    expect(unzipList(zip)).toContain('render/lighthouse-30-spot.mp4.c2pa')
  })

  it('opens one store read at a time, and closes it when the download is given up half way', async () => {
    const reads: { sha: string; stream: import('node:stream').Readable }[] = []
    let open = 0
    let mostOpen = 0
    const watched = Object.create(store) as AssetStore
    watched.read = async (sha, range) => {
      const stream = await store.read(sha, range)
      // A store whose reads take a while to let go of their file once ended (as on a busy machine):
      // the next read must still wait for that.
      const destroy = stream._destroy.bind(stream)
      stream._destroy = (error, done) => destroy(error, (e) => setTimeout(() => done(e), 30))
      reads.push({ sha, stream })
      mostOpen = Math.max(mostOpen, ++open)
      stream.once('close', () => open--)
      return stream
    }
    const full = await streamDeliveryPackage(options({ store: watched }))
    await writeZip(full, 'watched.zip')
    expect(reads.length).toBe(1 + new Set([...timeline.clips.map((c) => c.assetSha256), ...timeline.audioTracks.flatMap((t) => t.items.map((a) => a.assetSha256))]).size)
    expect(mostOpen).toBe(1)

    reads.length = 0
    const given = await streamDeliveryPackage(options({ store: watched }))
    let received = 0
    for await (const chunk of given.stream) {
      received += (chunk as Buffer).length
      // Well into the render (the first stored file), then the reader goes away.
      if (received > 200_000) break
    }
    // Each read here lets go of its file 30 ms after it is destroyed (above): wait for that, up to
    // 5 s, then look.
    for (const deadline = Date.now() + 5_000; open > 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10))
    expect(reads).toHaveLength(1)
    expect(reads[0]!.stream.destroyed).toBe(true)
    expect(open).toBe(0)
  })

  it('refuses, naming the files, when the store lost one, before any byte is streamed', async () => {
    const gone = timeline.clips[2]!.assetSha256
    const held = bytesBySha.get(gone)!
    await store.delete(gone)
    try {
      await expect(streamDeliveryPackage(options())).rejects.toThrow(DeliveryMediaMissingError)
      await expect(streamDeliveryPackage(options())).rejects.toThrow(/clips\/03-shot-c-[0-9a-f]{8}\.mp4 is missing from the asset store/)
    } finally {
      await store.putBytes(held)
    }
  })
})
