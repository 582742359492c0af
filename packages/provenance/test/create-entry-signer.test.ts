import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEntrySigner, createTestCertificates, DIGITAL_SOURCE_TYPE, MAX_EMBED_BYTES, readSigningCredentials, verifyAsset, verifySidecar, type TSignableEntry, type TTestCertificates } from '../src/index'
import { makeMedia } from './media'

let dir: string
let certs: TTestCertificates
let clip: Buffer
let still: Buffer
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'entry-signer-'))
  certs = await createTestCertificates()
  const media = await makeMedia(dir)
  clip = await readFile(media.mp4)
  still = await readFile(media.png)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** How an archive writer uses the entries: in order, each opened once, read to the end. */
async function writeInOrder(entries: TSignableEntry[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>()
  for (const e of entries) {
    const chunks: Buffer[] = []
    for await (const c of await e.open()) chunks.push(c as Buffer)
    out.set(e.path, Buffer.concat(chunks))
  }
  return out
}

describe('createEntrySigner', () => {
  it('signs media in place and follows other files with a sidecar, opening a video three times and every other file once', async () => {
    const opened: string[] = []
    const timeline = Buffer.from(JSON.stringify({ OTIO_SCHEMA: 'Timeline.1', name: 'Spot' }))
    const source = (path: string, mimeType: string, bytes: Buffer, chunk = 7): TSignableEntry => ({
      path,
      mimeType,
      open: async () => {
        opened.push(path)
        // Small chunks, so a hash that skipped any would not match.
        return Readable.from(Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk)))
      },
    })
    const sign = createEntrySigner<TSignableEntry>({
      credentials: readSigningCredentials({ chainPem: certs.chainPem, keyPem: certs.keyPem }),
      claimFor: (e) => (e.path === 'README.txt' ? null : { title: path.basename(e.path), origin: { kind: 'composite' }, ingredients: [{ title: 'clip 1.mp4', format: 'video/mp4', sha256: 'a'.repeat(64), relationship: 'componentOf' }], approvals: [{ variationId: 'v1', decision: 'approved', by: { id: 'u1', name: 'Ada Moreau' }, role: 'producer', decidedAt: '2026-12-01T10:00:00.000Z' }] }),
    })
    const entries = (await Promise.all([source('render/spot.mp4', 'video/mp4', clip, 64 * 1024), source('spot.otio', 'application/json', timeline), source('README.txt', 'text/plain', Buffer.from('hi'))].map(sign))).flat()
    expect(entries.map((e) => e.path)).toEqual(['render/spot.mp4', 'spot.otio', 'spot.otio.c2pa', 'README.txt'])
    expect(opened).toEqual([])

    const written = await writeInOrder(entries)
    // The video is read as a stream for its layout, its hash and its signed copy; nothing is held.
    expect(opened).toEqual(['render/spot.mp4', 'render/spot.mp4', 'render/spot.mp4', 'spot.otio', 'README.txt'])
    const render = await verifyAsset({ bytes: new Uint8Array(written.get('render/spot.mp4')!), format: 'video/mp4', trustAnchorsPem: certs.caPem })
    expect(render.state).toBe('Trusted')
    expect(render.montage?.approvals[0]?.by.name).toBe('Ada Moreau')
    expect(written.get('spot.otio')!.equals(timeline)).toBe(true)
    const sidecar = await verifySidecar({ sidecar: new Uint8Array(written.get('spot.otio.c2pa')!), file: Readable.from([timeline]), trustAnchorsPem: certs.caPem })
    expect(sidecar.state).toBe('Trusted')
    expect(sidecar.title).toBe('spot.otio')
    expect(written.get('README.txt')!.toString()).toBe('hi')
  })

  it('refuses to sign a sidecar before its file was written', async () => {
    const sign = createEntrySigner<TSignableEntry>({ credentials: readSigningCredentials({ chainPem: certs.chainPem, keyPem: certs.keyPem }), claimFor: () => ({ title: 'x.json', origin: { kind: 'composite' }, ingredients: [{ title: 'c', format: 'video/mp4', sha256: 'b'.repeat(64), relationship: 'componentOf' }] }) })
    const [, sidecar] = await sign({ path: 'x.json', mimeType: 'application/json', open: async () => Readable.from([Buffer.from('{}')]) })
    await expect(sidecar!.open()).rejects.toThrow(/opened before the file itself/)
  })

  it('embeds into a video of any size as a stream, gives an image larger than it may hold a sidecar, and runs each embedding through the caller’s bound', async () => {
    let embeddings = 0
    const sign = createEntrySigner<TSignableEntry>({
      credentials: readSigningCredentials({ chainPem: certs.chainPem, keyPem: certs.keyPem }),
      claimFor: (e) => ({ title: e.path, origin: { kind: 'written', description: 'Edit list written by Montage' }, ingredients: [{ title: 'clip 1.mp4', format: 'video/mp4', sha256: 'e'.repeat(64), relationship: 'componentOf' }] }),
      embedding: async (fn) => {
        embeddings++
        return fn()
      },
    })
    // The store says the image is over the cap: it streams through untouched, its manifest beside it.
    const bigImage = await sign({ path: 'stills/big.png', mimeType: 'image/png', byteSize: MAX_EMBED_BYTES + 1, open: async () => Readable.from([still]) })
    expect(bigImage.map((e) => e.path)).toEqual(['stills/big.png', 'stills/big.png.c2pa'])
    // A video says it is larger still, and is signed in place all the same.
    const bigVideo = await sign({ path: 'render/big.mp4', mimeType: 'video/mp4', byteSize: 4 * MAX_EMBED_BYTES, open: async () => Readable.from([clip]) })
    expect(bigVideo.map((e) => e.path)).toEqual(['render/big.mp4'])
    const written = await writeInOrder([...bigImage, ...bigVideo])
    expect(written.get('stills/big.png')!.equals(still)).toBe(true)
    expect(embeddings).toBe(1)
    const sidecar = await verifySidecar({ sidecar: new Uint8Array(written.get('stills/big.png.c2pa')!), file: Readable.from([still]), trustAnchorsPem: certs.caPem })
    expect(sidecar.state).toBe('Trusted')
    // A document Montage wrote: one creation naming the media it describes.
    expect(sidecar.actions).toEqual([expect.objectContaining({ action: 'c2pa.created', digitalSourceType: DIGITAL_SOURCE_TYPE.algorithmicMedia, description: 'Edit list written by Montage', ingredientCount: 1 })])
    const embedded = await verifyAsset({ bytes: new Uint8Array(written.get('render/big.mp4')!), format: 'video/mp4', trustAnchorsPem: certs.caPem })
    expect(embedded.state).toBe('Trusted')
  })
})
