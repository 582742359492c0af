import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WasmReader } from '@contentauth/c2pa-wasm'
import {
  createTestCertificates,
  loadReferenceReader,
  DIGITAL_SOURCE_TYPE,
  readSigningCredentials,
  signAsset,
  signSidecar,
  verifyAsset,
  verifySidecar,
  type TProvenanceClaim,
  type TSigningCredentials,
  type TTestCertificates,
} from '../src/index'
import { findJpegScan, findPngChunk, findTopBox, frameDigests, makeMedia } from './media'

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

let dir: string
let certs: TTestCertificates
let credentials: TSigningCredentials
let media: { mp4: string; mov: string; jpeg: string; png: string }

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'provenance-'))
  certs = await createTestCertificates()
  credentials = readSigningCredentials({ chainPem: certs.chainPem, keyPem: certs.keyPem })
  media = await makeMedia(dir)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const approval = {
  variationId: 'var-1',
  decision: 'approved' as const,
  by: { id: '6f1f8c1e-0000-4000-8000-000000000001', name: 'Pat Producer' },
  role: 'producer',
  decidedAt: '2026-12-01T10:00:00.000Z',
}

function generatedClaim(title: string, referenceSha?: string): TProvenanceClaim {
  return {
    title,
    origin: { kind: 'generated', model: 'gen4_turbo', prompt: 'a lighthouse at dusk' },
    ingredients: referenceSha ? [{ title: 'reference.png', format: 'image/png', sha256: referenceSha, relationship: 'inputTo' }] : [],
    approvals: [approval],
    source: { workspaceId: 'ws-1', boardId: 'board-1', variationId: 'var-1' },
  }
}

const FORMATS = [
  { name: 'mp4', format: 'video/mp4' as const, file: () => media.mp4, hashCode: 'assertion.bmffHash.mismatch' },
  { name: 'mov', format: 'video/quicktime' as const, file: () => media.mov, hashCode: 'assertion.bmffHash.mismatch' },
  { name: 'jpeg', format: 'image/jpeg' as const, file: () => media.jpeg, hashCode: 'assertion.dataHash.mismatch' },
  { name: 'png', format: 'image/png' as const, file: () => media.png, hashCode: 'assertion.dataHash.mismatch' },
]

/** A byte in the middle of the file's media data (mdat payload, JPEG scan, PNG IDAT). */
function mediaByte(format: string, buf: Uint8Array): number {
  const r = format.startsWith('video/') ? findTopBox(buf, 'mdat') : format === 'image/jpeg' ? findJpegScan(buf) : findPngChunk(buf, 'IDAT')
  return Math.floor((r.start + r.end) / 2)
}

describe.each(FORMATS)('signAsset $name', ({ format, file, hashCode }) => {
  let original: Uint8Array
  let signed: Uint8Array
  beforeAll(async () => {
    original = new Uint8Array(await readFile(file()))
    signed = await signAsset({ bytes: original, format, credentials, claim: generatedClaim(`shot.${format.split('/')[1]}`, 'c'.repeat(64)) })
  })

  it('validates in the reference reader, trusted once our test CA is a trust anchor', async () => {
    loadReferenceReader()
    const reader = await WasmReader.fromBytes(format, signed, JSON.stringify({ trust: { trust_anchors: certs.caPem } }))
    const store = JSON.parse(reader.json()) as { validation_state: string; validation_results: { activeManifest: { failure: unknown[] } } }
    reader.free()
    expect(store.validation_results.activeManifest.failure).toEqual([])
    expect(store.validation_state).toBe('Trusted')
  })

  it('without our CA as an anchor, the only finding is that the signer is untrusted', async () => {
    const v = await verifyAsset({ bytes: signed, format })
    expect(v.state).toBe('Valid')
    expect(v.failures.map((f) => f.code)).toEqual(['signingCredential.untrusted'])
  })

  it('says a model made it, names its reference and carries the approval', async () => {
    const v = await verifyAsset({ bytes: signed, format, trustAnchorsPem: certs.caPem })
    expect(v.claimGenerator).toBe('Montage')
    expect(v.format).toBe(format)
    expect(v.actions).toHaveLength(1)
    expect(v.actions[0]).toMatchObject({ action: 'c2pa.created', digitalSourceType: DIGITAL_SOURCE_TYPE.trainedAlgorithmicMedia, ingredientCount: 1 })
    expect(v.ingredients).toEqual([{ title: 'reference.png', format: 'image/png', instanceId: `montage:sha256:${'c'.repeat(64)}`, relationship: 'inputTo' }])
    expect(v.montage?.approvals).toEqual([approval])
    expect(v.montage?.source).toEqual({ workspaceId: 'ws-1', boardId: 'board-1', variationId: 'var-1' })
    expect(v.signer?.commonName).toBe('Montage local test signer')
  })

  it('a byte changed in the media data after signing fails validation', async () => {
    const tampered = new Uint8Array(signed)
    const at = mediaByte(format, tampered)
    tampered[at] = tampered[at]! ^ 0xff
    const v = await verifyAsset({ bytes: tampered, format, trustAnchorsPem: certs.caPem })
    expect(v.state).toBe('Invalid')
    expect(v.failures.map((f) => f.code)).toContain(hashCode)
  })

  it('leaves the picture and sound as they were', async () => {
    if (!format.startsWith('video/')) {
      // Stills: the original bytes are all there, around the inserted manifest segment or chunk.
      expect(signed.length).toBeGreaterThan(original.length)
      return
    }
    const out = path.join(dir, `signed.${format.split('/')[1]}`)
    await writeFile(out, signed)
    expect(await frameDigests(out)).toEqual(await frameDigests(file()))
  })
})

describe('signAsset: edits and composites', () => {
  it('an edit opens its parent and says what edited it', async () => {
    const parent = new Uint8Array(await readFile(media.mp4))
    const signed = await signAsset({
      bytes: parent,
      format: 'video/mp4',
      credentials,
      claim: {
        title: 'relit.mp4',
        origin: { kind: 'edited', model: 'relight' },
        ingredients: [{ title: 'shot-3 take 2.mp4', format: 'video/mp4', sha256: sha(parent), relationship: 'parentOf' }],
        approvals: [approval],
      },
    })
    const v = await verifyAsset({ bytes: signed, format: 'video/mp4', trustAnchorsPem: certs.caPem })
    expect(v.state).toBe('Trusted')
    expect(v.actions.map((a) => a.action)).toEqual(['c2pa.opened', 'c2pa.edited'])
    expect(v.actions[0]!.ingredientCount).toBe(1)
    expect(v.actions[1]!.description).toBe('Edited by relight')
    expect(v.ingredients).toEqual([{ title: 'shot-3 take 2.mp4', format: 'video/mp4', instanceId: `montage:sha256:${sha(parent)}`, relationship: 'parentOf' }])
  })

  it('a composite places each of its clips', async () => {
    const clips = ['a', 'b', 'c'].map((c, i) => ({ title: `clip ${i + 1}.mp4`, format: 'video/mp4', sha256: c.repeat(64), relationship: 'componentOf' as const }))
    const signed = await signAsset({
      bytes: new Uint8Array(await readFile(media.mp4)),
      format: 'video/mp4',
      credentials,
      claim: { title: 'sequence.mp4', origin: { kind: 'composite' }, ingredients: clips, approvals: [approval, { ...approval, variationId: 'var-2' }] },
    })
    const v = await verifyAsset({ bytes: signed, format: 'video/mp4', trustAnchorsPem: certs.caPem })
    expect(v.state).toBe('Trusted')
    expect(v.actions.map((a) => a.action)).toEqual(['c2pa.created', 'c2pa.placed', 'c2pa.placed', 'c2pa.placed'])
    expect(v.actions[0]!.digitalSourceType).toBe(DIGITAL_SOURCE_TYPE.compositeWithTrainedAlgorithmicMedia)
    expect(v.ingredients.map((i) => [i.title, i.relationship])).toEqual(clips.map((c) => [c.title, 'componentOf']))
    expect(v.montage?.approvals.map((a) => a.variationId)).toEqual(['var-1', 'var-2'])
  })

  it('re-signing a signed file replaces its manifest, and the video still plays', async () => {
    const once = await signAsset({ bytes: new Uint8Array(await readFile(media.mp4)), format: 'video/mp4', credentials, claim: generatedClaim('once.mp4') })
    const twice = await signAsset({ bytes: once, format: 'video/mp4', credentials, claim: { ...generatedClaim('twice.mp4'), approvals: [] } })
    const v = await verifyAsset({ bytes: twice, format: 'video/mp4', trustAnchorsPem: certs.caPem })
    expect(v.state).toBe('Trusted')
    expect(v.title).toBe('twice.mp4')
    const out = path.join(dir, 'twice.mp4')
    await writeFile(out, twice)
    expect(await frameDigests(out)).toEqual(await frameDigests(media.mp4))
  })

  it('refuses a claim that contradicts itself, before signing anything', async () => {
    const bytes = new Uint8Array(await readFile(media.jpeg))
    await expect(signAsset({ bytes, format: 'image/jpeg', credentials, claim: { title: 'x.jpg', origin: { kind: 'edited', model: 'relight' } } })).rejects.toThrow(
      /parentOf ingredient/,
    )
    await expect(signAsset({ bytes: new TextEncoder().encode('not a jpeg'), format: 'image/jpeg', credentials, claim: generatedClaim('x.jpg') })).rejects.toThrow(
      'not a readable JPEG',
    )
  })
})

describe('signSidecar', () => {
  const timeline = JSON.stringify({ OTIO_SCHEMA: 'Timeline.1', name: 'Spot 30s', tracks: { OTIO_SCHEMA: 'Stack.1', children: [] } })

  it('round-trips: the reader validates the store and the file matches its data hash', async () => {
    const store = await signSidecar({
      file: Readable.from([Buffer.from(timeline)]),
      format: 'application/json',
      credentials,
      claim: {
        title: 'spot.otio',
        origin: { kind: 'composite', description: 'Editor hand-off timeline' },
        ingredients: [{ title: 'clip 1.mp4', format: 'video/mp4', sha256: 'd'.repeat(64), relationship: 'componentOf' }],
        approvals: [approval],
      },
    })
    const v = await verifySidecar({ sidecar: store, file: Readable.from([Buffer.from(timeline)]), trustAnchorsPem: certs.caPem })
    expect(v.fileMatches).toBe(true)
    expect(v.failures).toEqual([])
    expect(v.state).toBe('Trusted')
    expect(v.title).toBe('spot.otio')
    expect(v.montage?.approvals[0]?.by.name).toBe('Pat Producer')
    expect(v.ingredients[0]).toMatchObject({ title: 'clip 1.mp4', relationship: 'componentOf' })

    const changed = await verifySidecar({ sidecar: store, file: Readable.from([Buffer.from(timeline.replace('30s', '31s'))]), trustAnchorsPem: certs.caPem })
    expect(changed.fileMatches).toBe(false)
    expect(changed.state).toBe('Invalid')
    expect(changed.failures.map((f) => f.code)).toEqual(['assertion.dataHash.mismatch'])
  })

  it('a store changed after signing fails in the reader itself', async () => {
    const store = await signSidecar({ file: Readable.from([Buffer.from(timeline)]), format: 'application/json', credentials, claim: generatedClaim('spot.json') })
    const tampered = new Uint8Array(store)
    // Inside our assertion's CBOR: the approver's name.
    const at = Buffer.from(tampered).indexOf('Pat Producer')
    expect(at).toBeGreaterThan(0)
    tampered[at] = 'Q'.charCodeAt(0)
    const v = await verifySidecar({ sidecar: tampered, file: Readable.from([Buffer.from(timeline)]), trustAnchorsPem: certs.caPem })
    expect(v.state).toBe('Invalid')
    expect(v.failures.map((f) => f.code)).toContain('assertion.hashedURI.mismatch')
  })
})
