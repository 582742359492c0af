import { execFileSync, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import ffmpeg from '@ffmpeg-installer/ffmpeg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords, validateRecord } from '@montage/board'
import { slug, ZDeliveryManifest } from '@montage/delivery'
import { createWorkspace, recordAsset, upsertUser } from '@montage/db'
import { DIGITAL_SOURCE_TYPE, verifyAsset, verifySidecar } from '@montage/provenance'
import type { TLRecord } from 'tldraw'
import { startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation, signInCookie, storedRecord, type SucceededVariation } from './review-fixtures'

/**
 * The delivery routes on a real stack: a sequence built on the board through the collab-server,
 * approved through the decision API, rendered (a render variation placed by the board command
 * path, as the render workflow does), then downloaded as a package and as hand-off files.
 */

let stack: E2EStack
let work: string
let producer: { cookie: string; userId: string }
let reviewer: { cookie: string }
let clips: SucceededVariation[]
let render: SucceededVariation
let musicSha: string
/** The test CA web made into DATA_DIR/c2pa as it started: trusted here as a reader would a real one. */
let testCa: string
/** Where the package puts clip i: named for its shot (both clips are of the demo's first shot). */
let clipPath: (i: number) => string
const SEQUENCE = 'shape:seq-delivery'
const SHOT = 'shape:demo-shot-1'
const clipBytes = new Map<string, Buffer>()

const FFMPEG = process.env.FFMPEG_PATH ?? ffmpeg.path
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** A small real H.264 mp4 of one test pattern. */
async function mp4(name: string, source: string, seconds: number): Promise<Buffer> {
  const file = path.join(work, `${name}.mp4`)
  execFileSync(FFMPEG, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `${source}=size=320x180:rate=24:duration=${seconds}`, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast', file])
  return readFile(file)
}

/** Poster bytes: only their identity matters here. */
const png = () => randomBytes(2048)

/** Writes records to the live board as a member's client would. */
async function putRecords(token: string, make: (pageId: string) => TLRecord[]): Promise<void> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${stack.collabUrl}/boards`, stack.boardId, doc, { params: { token }, WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true })
  try {
    await new Promise<void>((resolve) => (provider.synced ? resolve() : provider.once('sync', () => resolve())))
    const kv = getRecords(doc)
    const pageId = [...kv.values()].find((r) => r.typeName === 'page')!.id
    const records = make(pageId)
    doc.transact(() => records.forEach((r) => kv.set(r.id, r)))
    for (const r of records) {
      for (let i = 0; i < 300 && !(await storedRecord(stack.sql, stack.boardId, r.id)); i++) await new Promise((res) => setTimeout(res, 100))
      // A change the board guard refused is never stored: say so here, not as a 404 later.
      if (!(await storedRecord(stack.sql, stack.boardId, r.id))) throw new Error(`${r.id} was not stored (refused by the board guard?)`)
    }
  } finally {
    provider.destroy()
    doc.destroy()
  }
}

const shape = (id: string, type: string, parentId: string, index: string, props: Record<string, unknown>): TLRecord =>
  validateRecord({ id, typeName: 'shape', type, x: 0, y: 0, rotation: 0, index, parentId, isLocked: false, opacity: 1, meta: {}, props } as unknown as TLRecord)

async function decide(variationId: string, decision: 'approved' | 'changes_requested') {
  const res = await fetch(`${stack.baseUrl}/api/boards/${stack.boardId}/variations/${encodeURIComponent(variationId)}/decision`, {
    method: 'POST',
    headers: { cookie: producer.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ decision, note: decision === 'approved' ? 'Ready for the client' : 'The horizon tilts' }),
  })
  expect(res.status).toBe(201)
  for (let i = 0; i < 300; i++) {
    const r = (await storedRecord(stack.sql, stack.boardId, variationId)) as { props?: { reviewState?: string } } | undefined
    if (r?.props?.reviewState === decision) return
    await new Promise((res) => setTimeout(res, 100))
  }
  throw new Error(`${variationId} never became ${decision} on the stored board`)
}

const get = (p: string, cookie = producer.cookie) => fetch(`${stack.baseUrl}${p}`, { headers: { cookie } })
const packagePath = () => `/api/sequences/${encodeURIComponent(SEQUENCE)}/package?boardId=${stack.boardId}`
const exportPath = (format: string) => `/api/sequences/${encodeURIComponent(SEQUENCE)}/export?boardId=${stack.boardId}&format=${format}`

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'delivery-e2e-'))
  stack = await startE2EStack({ services: ['web', 'collab-server'] })
  const ada = await signInCookie(stack, 'local:ada')
  producer = ada
  testCa = await readFile(path.join(stack.dataDir, 'c2pa', 'test-ca.pem'), 'utf8')
  reviewer = await signInCookie(stack, 'local:rui')
  const shot = (await storedRecord(stack.sql, stack.boardId, SHOT)) as { props: { title: string } }
  clipPath = (i) => `clips/0${i + 1}-${slug(shot.props.title, 'clip')}-${clips[i]!.assetSha256.slice(0, 8)}.mp4`
  const patterns = ['testsrc', 'smptebars']
  clips = []
  for (const [i, pattern] of patterns.entries()) {
    const video = await mp4(`clip-${i}`, pattern, 2)
    clipBytes.set(sha256(video), video)
    clips.push(await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId: SHOT, createdBy: ada.userId, durationSeconds: 2, media: { video, poster: png() } }))
  }
  // Music: a real WAV in the workspace's store.
  const wavFile = path.join(work, 'music.wav')
  execFileSync(FFMPEG, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', wavFile])
  const wav = await readFile(wavFile)
  const stored = await stack.store.putBytes(wav)
  await recordAsset(stack.sql, { workspaceId: stack.workspaceId, sha256: stored.sha256, mimeType: 'audio/wav', byteSize: stored.byteSize, durationMs: 3000 })
  clipBytes.set(stored.sha256, wav)
  musicSha = stored.sha256

  // A sequence marked for delivery takes approved variations only (the board guard): approve first.
  for (const clip of clips) {
    await decide(clip.variationId, 'approved')
    for (let i = 0; i < 300 && (await storedRecord(stack.sql, stack.boardId, clip.variationId) as { props?: { reviewState?: string } } | undefined)?.props?.reviewState !== 'approved'; i++) {
      await new Promise((res) => setTimeout(res, 100))
    }
  }
  const ben = await signInCookie(stack, 'local:ben')
  await putRecords(ben.token, (page) => [
    shape(SEQUENCE, 'sequence', page, 'a8', { w: 800, h: 200, title: 'Harbour spot', fps: 24, aspectRatio: '16:9', fit: 'letterbox', delivery: true, audioTracks: [{ id: 'music', name: 'Music', gainDb: -6, muted: false }] }),
    shape('shape:seq-clip-1', 'sequence-clip', SEQUENCE, 'a1', { w: 100, h: 60, variationId: clips[0]!.variationId, inFrame: 0, outFrame: 40, transition: 'cut', transitionFrames: 0, gainDb: 0 }),
    shape('shape:seq-clip-2', 'sequence-clip', SEQUENCE, 'a2', { w: 100, h: 60, variationId: clips[1]!.variationId, inFrame: 6, outFrame: 48, transition: 'crossfade', transitionFrames: 12, gainDb: 0 }),
    shape('shape:seq-audio-1', 'sequence-audio', SEQUENCE, 'a3', { w: 100, h: 20, trackId: 'music', assetSha256: stored.sha256, mimeType: 'audio/wav', name: 'Theme', durationSeconds: 3, startFrame: 0, inFrame: 0, outFrame: 70, gainDb: 0, fadeInFrames: 0, fadeOutFrames: 12 }),
  ])
}, 300_000)

afterAll(async () => {
  await stack?.close()
  if (work) await rm(work, { recursive: true, force: true })
})

describe('delivering a sequence', () => {
  it('refuses a package while a clip is not approved, naming it, and while there is no render', async () => {
    await decide(clips[0]!.variationId, 'approved')
    await decide(clips[1]!.variationId, 'changes_requested')
    const refused = await get(packagePath())
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^A delivery package holds approved clips only: clip 2 \(.*\) is not approved/)
    // A sequence marked for delivery refuses its hand-off files the same way.
    const otio = await get(exportPath('otio'))
    expect(otio.status).toBe(409)
    expect(await otio.text()).toMatch(/clip 2 .*is not approved/)

    await decide(clips[1]!.variationId, 'approved')
    const noRender = await get(packagePath())
    expect(noRender.status).toBe(409)
    expect(((await noRender.json()) as { error: { message: string } }).error.message).toBe('"Harbour spot" has no finished render yet: render the sequence first, then download its package.')
  })

  it('streams the package: the render, each clip at full quality, hand-off files pointing into the zip, and who approved what and when', async () => {
    const renderVideo = await mp4('render', 'rgbtestsrc', 3)
    render = await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId: SEQUENCE, createdBy: producer.userId, durationSeconds: 3, media: { video: renderVideo, poster: png() } })
    clipBytes.set(render.assetSha256, renderVideo)

    // Any member may download: the reviewer here.
    const res = await get(packagePath(), reviewer.cookie)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="harbour-spot-delivery\.zip"/)
    const zip = path.join(work, 'package.zip')
    await writeFile(zip, Buffer.from(await res.arrayBuffer()))
    expect(execFileSync('unzip', ['-tq', zip], { encoding: 'utf8' })).toMatch(/No errors detected/)
    const list = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n').sort()
    const read = (entry: string) => execFileSync('unzip', ['-p', zip, entry], { maxBuffer: 64 * 1024 * 1024 })
    // Files that cannot carry a manifest are followed by their `.c2pa` sidecar; the mp4s carry theirs.
    expect(list).toEqual(
      [
        'manifest.json',
        'manifest.json.c2pa',
        'harbour-spot.otio',
        'harbour-spot.otio.c2pa',
        'harbour-spot.fcpxml',
        'harbour-spot.fcpxml.c2pa',
        'harbour-spot.edl',
        'harbour-spot.edl.c2pa',
        'render/harbour-spot.mp4',
        clipPath(0),
        clipPath(1),
        audioPath(),
        `${audioPath()}.c2pa`,
      ].sort(),
    )
    // The sound is byte for byte what the store holds; each mp4 is its stored file with a manifest
    // added (checked by the reference reader below), so it is larger and still decodes to as long.
    expect(sha256(read(audioPath()))).toBe(musicSha)
    for (const [entry, stored] of [
      ['render/harbour-spot.mp4', render.assetSha256],
      [clipPath(0), clips[0]!.assetSha256],
      [clipPath(1), clips[1]!.assetSha256],
    ] as const) {
      const bytes = read(entry)
      expect(bytes.length, entry).toBeGreaterThan(clipBytes.get(stored)!.length)
      expect(probeDuration(bytes), entry).toBeCloseTo(probeDuration(clipBytes.get(stored)!), 2)
    }

    // The hand-off files reference only paths in the zip, and every clip and sound.
    const otio = read('harbour-spot.otio').toString()
    const urls = [...otio.matchAll(/"target_url": "([^"]+)"/g)].map((m) => m[1]!)
    expect(urls).toHaveLength(3)
    for (const u of urls) expect(list).toContain(u)
    const fcpxml = read('harbour-spot.fcpxml').toString()
    const srcs = [...fcpxml.matchAll(/src="([^"]+)"/g)].map((m) => decodeURI(m[1]!))
    expect(srcs).toHaveLength(3)
    for (const s of srcs) expect(list).toContain(s)
    const edl = read('harbour-spot.edl').toString()
    const edlFiles = [...edl.matchAll(/\* SOURCE FILE: (.+)\r/g)].map((m) => m[1]!)
    expect(new Set(edlFiles).size).toBe(3)
    for (const f of edlFiles) expect(list).toContain(f)
    expect(edl).toMatch(/^002 .* D {4}012 /m)

    // The manifest: the sequence, each clip with its generation and its approver by name, role and time.
    const manifest = ZDeliveryManifest.parse(JSON.parse(read('manifest.json').toString()))
    expect(manifest.sequence).toMatchObject({ id: SEQUENCE, title: 'Harbour spot', fps: 24, markedForDelivery: true, totalFrames: 40 + 42 - 12 })
    expect(manifest.render).toMatchObject({ file: 'render/harbour-spot.mp4', sha256: render.assetSha256, variationId: render.variationId })
    const decisions = await stack.sql<{ variation_id: string; decision: string; created_at: Date }[]>`SELECT variation_id, decision, created_at FROM review_decisions WHERE board_id = ${stack.boardId} ORDER BY created_at`
    for (const [i, c] of manifest.clips.entries()) {
      expect(c.variationId).toBe(clips[i]!.variationId)
      expect(c.approved).toBe(true)
      expect(c.provenance).toMatchObject({ generationId: clips[i]!.generationId, model: 'previz' })
      const trail = decisions.filter((d) => d.variation_id === c.variationId)
      expect(c.approvals).toEqual(trail.map((d) => ({ decision: d.decision, by: { name: 'Ada Moreau', role: 'producer' }, at: d.created_at.toISOString(), note: d.decision === 'approved' ? 'Ready for the client' : 'The horizon tilts' })))
    }
    expect(manifest.clips[1]!.approvals.at(-1)!.decision).toBe('approved')
    expect(manifest.audio).toEqual([expect.objectContaining({ track: 'Music', name: 'Theme', gainDb: -6 })])
  })

  it('signs every file: the reference reader validates each, names what made it and the producer who approved, and refuses a changed file', async () => {
    const zip = path.join(work, 'package.zip')
    const read = (entry: string) => execFileSync('unzip', ['-p', zip, entry], { maxBuffer: 64 * 1024 * 1024 })
    const list = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n')
    const decisions = await stack.sql<{ variation_id: string; decision: string; created_at: Date }[]>`SELECT variation_id, decision, created_at FROM review_decisions WHERE board_id = ${stack.boardId} ORDER BY created_at, id`
    const trailOf = (variationId: string, outputSha256: string) =>
      decisions
        .filter((d) => d.variation_id === variationId)
        .map((d) => ({ variationId, outputSha256, decision: d.decision, by: { id: producer.userId, name: 'Ada Moreau' }, role: 'producer', decidedAt: d.created_at.toISOString(), note: d.decision === 'approved' ? 'Ready for the client' : 'The horizon tilts' }))
    const components = [
      [clipPath(0), 'video/mp4'],
      [clipPath(1), 'video/mp4'],
      [audioPath(), 'audio/wav'],
    ]

    // Every file is either an mp4 with its manifest inside or has a sidecar beside it, and nothing else.
    const embedded = list.filter((p) => p.endsWith('.mp4'))
    const sidecars = list.filter((p) => p.endsWith('.c2pa'))
    expect(embedded).toHaveLength(3)
    expect(sidecars.map((p) => p.replace(/\.c2pa$/, '')).sort()).toEqual(list.filter((p) => !p.endsWith('.mp4') && !p.endsWith('.c2pa')).sort())

    // Each clip carries the claim a single download of its variation gets.
    for (const [i, clip] of clips.entries()) {
      const v = await verifyAsset({ bytes: read(clipPath(i)), format: 'video/mp4', trustAnchorsPem: testCa })
      expect(v.failures, clipPath(i)).toEqual([])
      expect(v.state).toBe('Trusted')
      expect(v.actions).toEqual([expect.objectContaining({ action: 'c2pa.created', digitalSourceType: DIGITAL_SOURCE_TYPE.trainedAlgorithmicMedia, description: 'Generated by previz' })])
      expect(v.montage?.approvals).toEqual(trailOf(clip.variationId, clip.assetSha256))
      expect(v.montage?.source).toMatchObject({ workspaceId: stack.workspaceId, boardId: stack.boardId, variationId: clip.variationId, generationId: clip.generationId })
      const single = await get(`/api/assets/${clip.assetSha256}/download?boardId=${stack.boardId}`)
      expect(single.status).toBe(200)
      const alone = await verifyAsset({ bytes: new Uint8Array(await single.arrayBuffer()), format: 'video/mp4', trustAnchorsPem: testCa })
      expect({ title: v.title, actions: v.actions, ingredients: v.ingredients, montage: v.montage }).toEqual({ title: alone.title, actions: alone.actions, ingredients: alone.ingredients, montage: alone.montage })
    }

    // The render: a composite placing each clip and the sound once, with the approvals behind every clip.
    const renderBytes = read('render/harbour-spot.mp4')
    const r = await verifyAsset({ bytes: renderBytes, format: 'video/mp4', trustAnchorsPem: testCa })
    expect(r.failures).toEqual([])
    expect(r.state).toBe('Trusted')
    expect(r.actions.map((a) => a.action)).toEqual(['c2pa.created', 'c2pa.placed', 'c2pa.placed', 'c2pa.placed'])
    expect(r.actions[0]).toMatchObject({ digitalSourceType: DIGITAL_SOURCE_TYPE.compositeWithTrainedAlgorithmicMedia, description: 'Sequence "Harbour spot" rendered by Montage from 2 clips and 1 sound' })
    expect(r.actions.slice(1).map((a) => a.ingredientCount)).toEqual([1, 1, 1])
    expect(r.ingredients.map((i) => [i.title, i.format, i.relationship])).toEqual(components.map(([title, format]) => [title, format, 'componentOf']))
    expect(r.montage?.approvals).toEqual([...trailOf(clips[0]!.variationId, clips[0]!.assetSha256), ...trailOf(clips[1]!.variationId, clips[1]!.assetSha256)])
    // Every clip was approved by the producer (some more than once: before entering the delivery sequence, and again).
    const approvedBy = new Set(r.montage?.approvals.filter((a) => a.decision === 'approved').map((a) => JSON.stringify([a.variationId, a.by.name, a.role])))
    expect([...approvedBy].map((a) => JSON.parse(a) as unknown)).toEqual(clips.map((c) => [c.variationId, 'Ada Moreau', 'producer']))
    expect(r.montage?.source).toMatchObject({ variationId: render.variationId, generationId: render.generationId })
    // Without our CA the reader validates everything but trust.
    expect((await verifyAsset({ bytes: renderBytes, format: 'video/mp4' })).failures.map((f) => f.code)).toEqual(['signingCredential.untrusted'])

    // The sound: an upload, opened as it was stored, its manifest in the sidecar.
    const sound = await verifySidecar({ sidecar: read(`${audioPath()}.c2pa`), file: Readable.from([read(audioPath())]), trustAnchorsPem: testCa })
    expect(sound.failures).toEqual([])
    expect(sound.state).toBe('Trusted')
    expect(sound.fileMatches).toBe(true)
    expect(sound.actions.map((a) => a.action)).toEqual(['c2pa.opened'])

    // manifest.json and the hand-off files: written by Montage, naming the sequence's media, with the approvals.
    for (const file of ['manifest.json', 'harbour-spot.otio', 'harbour-spot.fcpxml', 'harbour-spot.edl']) {
      const v = await verifySidecar({ sidecar: read(`${file}.c2pa`), file: Readable.from([read(file)]), trustAnchorsPem: testCa })
      expect(v.failures, file).toEqual([])
      expect(v.state).toBe('Trusted')
      expect(v.title).toBe(file)
      expect(v.actions).toEqual([expect.objectContaining({ action: 'c2pa.created', digitalSourceType: DIGITAL_SOURCE_TYPE.algorithmicMedia, ingredientCount: 3 })])
      expect(v.ingredients.map((i) => [i.title, i.relationship])).toEqual(components.map(([title]) => [title, 'componentOf']))
      expect(v.montage?.approvals.some((a) => a.decision === 'approved' && a.by.name === 'Ada Moreau' && a.role === 'producer')).toBe(true)
      const untrusted = await verifySidecar({ sidecar: read(`${file}.c2pa`), file: Readable.from([read(file)]) })
      expect(untrusted.failures.map((f) => f.code)).toEqual(['signingCredential.untrusted'])
    }

    // Changed after signing: one byte of the render's picture, one line of the EDL, one sample of the sound.
    const tampered = new Uint8Array(renderBytes)
    const mdat = Buffer.from(tampered).indexOf('mdat')
    tampered[mdat + 64] = tampered[mdat + 64]! ^ 0xff
    const broken = await verifyAsset({ bytes: tampered, format: 'video/mp4', trustAnchorsPem: testCa })
    expect(broken.state).toBe('Invalid')
    expect(broken.failures.map((f) => f.code)).toContain('assertion.bmffHash.mismatch')
    const edl = Buffer.from(read('harbour-spot.edl').toString().replace('TITLE:', 'TITLE: (re-cut)'))
    const edlChanged = await verifySidecar({ sidecar: read('harbour-spot.edl.c2pa'), file: Readable.from([edl]), trustAnchorsPem: testCa })
    expect(edlChanged.state).toBe('Invalid')
    expect(edlChanged.fileMatches).toBe(false)
    const wav = Buffer.from(read(audioPath()))
    wav[wav.length - 10] = wav[wav.length - 10]! ^ 0x01
    expect((await verifySidecar({ sidecar: read(`${audioPath()}.c2pa`), file: Readable.from([wav]), trustAnchorsPem: testCa })).state).toBe('Invalid')
  })

  it('exports each hand-off file on its own, as an attachment, with its Content Credentials in a sidecar', async () => {
    for (const [format, type] of [
      ['otio', 'application/json'],
      ['fcpxml', 'application/xml'],
      ['edl', 'text/plain'],
    ] as const) {
      const res = await get(exportPath(format), reviewer.cookie)
      expect(res.status, format).toBe(200)
      expect(res.headers.get('content-type')).toContain(type)
      expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="harbour-spot\\.${format}"`))
      const body = await res.text()
      expect(body).toContain(clipPath(0))
      expect(body).toContain(clipPath(1))
      expect(res.headers.get('x-content-credentials')).toBe('sidecar')

      // A text file cannot carry Content Credentials: its sidecar binds to the bytes just served.
      const sidecarRes = await get(`${exportPath(format)}&sidecar=1`, reviewer.cookie)
      expect(sidecarRes.status, format).toBe(200)
      expect(sidecarRes.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="harbour-spot\\.${format}\\.c2pa"`))
      const sidecar = new Uint8Array(await sidecarRes.arrayBuffer())
      const v = await verifySidecar({ sidecar, file: Readable.from([Buffer.from(body)]), trustAnchorsPem: testCa })
      expect(v.failures, format).toEqual([])
      expect(v.state).toBe('Trusted')
      expect(v.fileMatches).toBe(true)
      expect(v.title).toBe(`harbour-spot.${format}`)
      expect(v.montage?.approvals.some((a) => a.decision === 'approved' && a.by.name === 'Ada Moreau' && a.role === 'producer')).toBe(true)
      const edited = await verifySidecar({ sidecar, file: Readable.from([Buffer.from(body.replace(clipPath(1), clipPath(0)))]), trustAnchorsPem: testCa })
      expect(edited.fileMatches).toBe(false)
    }
    const bad = await get(`/api/sequences/${encodeURIComponent(SEQUENCE)}/export?boardId=${stack.boardId}&format=aaf`)
    expect(bad.status).toBe(400)
  })

  it('keeps people outside the workspace out, and names a sequence that is not on the board', async () => {
    await upsertUser(stack.sql, { authSubject: 'local:olga-delivery', name: 'Olga Other' })
    const outsider = await signInCookie(stack, 'local:olga-delivery')
    expect((await get(packagePath(), outsider.cookie)).status).toBe(403)
    expect((await get(exportPath('edl'), outsider.cookie)).status).toBe(403)
    expect((await fetch(`${stack.baseUrl}${packagePath()}`)).status).toBe(401)
    const missing = await get(`/api/sequences/shape%3Anot-here/package?boardId=${stack.boardId}`)
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe('This sequence is not on the board.')
  })
})

describe('delivering another studio’s bytes', () => {
  it('refuses a sound whose bytes are not this workspace’s, even when the store holds them', async () => {
    // A member's client writes a sound's sha256 itself: here, bytes another studio uploaded.
    const theirs = await stack.store.putBytes(randomBytes(4096))
    const olga = await upsertUser(stack.sql, { authSubject: 'local:olga-foreign', name: 'Olga Foreign' })
    const other = await createWorkspace(stack.sql, { name: 'Foreign studio', ownerId: olga.id })
    await recordAsset(stack.sql, { workspaceId: other.id, sha256: theirs.sha256, mimeType: 'audio/wav', byteSize: theirs.byteSize, durationMs: 1000 })
    const ben = await signInCookie(stack, 'local:ben')
    await putRecords(ben.token, () => [
      shape('shape:seq-audio-foreign', 'sequence-audio', SEQUENCE, 'a4', { w: 100, h: 20, trackId: 'music', assetSha256: theirs.sha256, mimeType: 'audio/wav', name: 'Borrowed', durationSeconds: 1, startFrame: 10, inFrame: 0, outFrame: 24, gainDb: 0, fadeInFrames: 0, fadeOutFrames: 0 }),
    ])
    const res = await get(packagePath())
    expect(res.status).toBe(409)
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('The package cannot be built: the sound "Borrowed" on Music is not a file of this workspace.')
  })
})

/** Where the package puts the music. */
const audioPath = () => `audio/theme-${musicSha.slice(0, 8)}.wav`

/** A video's duration in seconds, as ffmpeg reads it from the container's header. */
function probeDuration(bytes: Buffer): number {
  const file = path.join(work, `probe-${sha256(bytes).slice(0, 12)}.mp4`)
  writeFileSync(file, bytes)
  // `ffmpeg -i` alone exits 1 (no output named) after printing the input's description.
  const { stderr } = spawnSync(FFMPEG, ['-hide_banner', '-i', file], { encoding: 'utf8' })
  const m = /Duration: (\d+):(\d+):(\d+\.\d+)/.exec(stderr)
  if (!m) throw new Error(`ffmpeg read no duration from ${file}: ${stderr}`)
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])
}
