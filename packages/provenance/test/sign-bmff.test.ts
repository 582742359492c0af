import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signBmff } from '../src/sign-bmff'
import { createTestCertificates, readSigningCredentials, verifyAsset, type TProvenanceClaim, type TSigningCredentials, type TTestCertificates } from '../src/index'
import { ffmpegPath, findTopBox, frameDigests, makeMedia } from './media'

const run = promisify(execFile)

let dir: string
let certs: TTestCertificates
let credentials: TSigningCredentials
let moovLast: Buffer
let moovFirst: Buffer

const claim: TProvenanceClaim = {
  title: 'spot.mp4',
  origin: { kind: 'composite' },
  ingredients: [{ title: 'clip 1.mp4', format: 'video/mp4', sha256: 'a'.repeat(64), relationship: 'componentOf' }],
  approvals: [{ variationId: 'v1', decision: 'approved', by: { id: 'u1', name: 'Ada Moreau' }, role: 'producer', decidedAt: '2026-12-01T10:00:00.000Z' }],
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sign-bmff-'))
  certs = await createTestCertificates()
  credentials = readSigningCredentials({ chainPem: certs.chainPem, keyPem: certs.keyPem })
  const media = await makeMedia(dir)
  moovLast = await readFile(media.mp4)
  // The same clip with its index first, as web players like it (and every render of ours is).
  const faststart = path.join(dir, 'faststart.mp4')
  await run(ffmpegPath(), ['-v', 'error', '-y', '-i', media.mp4, '-c', 'copy', '-movflags', '+faststart', faststart])
  moovFirst = await readFile(faststart)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A source read in pieces of `size` bytes, as a store streams it (box headers fall across pieces). */
function pieces(bytes: Buffer, size: number): () => Promise<Readable> {
  return async () => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)))
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** The `moof` offsets an `mfra` index lists (its `tfra` entries, version 0 or 1). */
function fragmentOffsets(file: Buffer): number[] {
  const mfra = findTopBox(file, 'mfra')
  const out: number[] = []
  for (let at = mfra.start; at < mfra.end; at += file.readUInt32BE(at)) {
    if (file.toString('latin1', at + 4, at + 8) !== 'tfra') continue
    const wide = file[at + 8] === 1
    const sizes = file.readUInt32BE(at + 16)
    const index = ((sizes >> 4) & 3) + ((sizes >> 2) & 3) + (sizes & 3) + 3
    const count = file.readUInt32BE(at + 20)
    for (let i = 0; i < count; i++) {
      const entry = at + 24 + i * ((wide ? 16 : 8) + index)
      out.push(wide ? Number(file.readBigUInt64BE(entry + 8)) : file.readUInt32BE(entry + 4))
    }
  }
  return out
}

async function plays(bytes: Buffer, like: Buffer, name: string): Promise<void> {
  const out = path.join(dir, `${name}-signed.mp4`)
  const ref = path.join(dir, `${name}-source.mp4`)
  await writeFile(out, bytes)
  await writeFile(ref, like)
  expect(await frameDigests(out)).toEqual(await frameDigests(ref))
}

describe('signBmff', () => {
  it.each([
    ['moov after mdat', () => moovLast],
    ['moov first', () => moovFirst],
  ])('signs a stream read in small pieces (%s): the copy is as long as promised, validates and plays as before', async (name, file) => {
    const source = file()
    const signed = await signBmff({ open: pieces(source, 1000), format: 'video/mp4', claim, credentials })
    const bytes = await collect(await signed.open())
    expect(bytes.length).toBe(signed.byteSize)
    const v = await verifyAsset({ bytes: new Uint8Array(bytes), format: 'video/mp4', trustAnchorsPem: certs.caPem })
    expect(v.state).toBe('Trusted')
    expect(v.montage?.approvals[0]?.by.name).toBe('Ada Moreau')
    await plays(bytes, source, name.replace(/ /g, '-'))
  })

  it('reads a last box declared as running to the end of the file', async () => {
    const source = Buffer.from(moovFirst)
    const mdat = findTopBox(source, 'mdat')
    expect(mdat.end).toBe(source.length)
    source.writeUInt32BE(0, mdat.start - 8)
    const signed = await signBmff({ open: pieces(source, 4096), format: 'video/mp4', claim, credentials })
    const bytes = await collect(await signed.open())
    expect((await verifyAsset({ bytes: new Uint8Array(bytes), format: 'video/mp4', trustAnchorsPem: certs.caPem })).state).toBe('Trusted')
    await plays(bytes, moovFirst, 'to-end')
  })

  it('refuses a file cut short, naming the box it ends in', async () => {
    const cut = moovFirst.subarray(0, moovFirst.length - 100)
    await expect(signBmff({ open: pieces(cut, 4096), format: 'video/mp4', claim, credentials, what: 'clip.mp4' })).rejects.toThrow(
      "clip.mp4 ends 100 bytes before the end of its 'mdat' box",
    )
  })

  it('refuses a file that is not an MP4', async () => {
    const text = Buffer.from('this is not a video, though it is long enough to look at its header')
    await expect(signBmff({ open: pieces(text, 16), format: 'video/mp4', claim, credentials, what: 'notes.mp4' })).rejects.toThrow(
      "notes.mp4 is not a readable MP4/MOV (it does not start with a box such as 'ftyp')",
    )
  })

  it.each([
    ['relative to themselves', 'frag_keyframe+empty_moov+default_base_moof'],
    ['by absolute offsets', 'frag_keyframe+empty_moov'],
  ])('signs a fragmented MP4 whose fragments address their data %s, moving its random-access index', async (name, movflags) => {
    const fragmented = path.join(dir, `fragmented-${movflags}.mp4`)
    await run(ffmpegPath(), ['-v', 'error', '-y', '-i', path.join(dir, 'clip.mp4'), '-c', 'copy', '-movflags', movflags, '-frag_duration', '500000', fragmented])
    const source = await readFile(fragmented)
    expect(findTopBox(source, 'moof').end).toBeGreaterThan(0)
    const signed = await signBmff({ open: pieces(source, 4096), format: 'video/mp4', claim, credentials })
    const bytes = await collect(await signed.open())
    expect((await verifyAsset({ bytes: new Uint8Array(bytes), format: 'video/mp4', trustAnchorsPem: certs.caPem })).state).toBe('Trusted')
    await plays(bytes, source, `fragmented-${name.split(' ')[0]}`)
    // Its random-access index still points at fragments, now further on.
    const offsets = fragmentOffsets(bytes)
    expect(offsets.length).toBeGreaterThan(0)
    expect(offsets).not.toEqual(fragmentOffsets(source))
    for (const at of offsets) expect(bytes.toString('latin1', at + 4, at + 8)).toBe('moof')

  })

  it('fails the copy, at its end, when the file changed after it was hashed', async () => {
    let reads = 0
    const changed = Buffer.from(moovFirst)
    const mdat = findTopBox(changed, 'mdat')
    changed[Math.floor((mdat.start + mdat.end) / 2)]! ^= 0xff
    const signed = await signBmff({ open: async () => (++reads < 3 ? pieces(moovFirst, 8192)() : pieces(changed, 8192)()), format: 'video/mp4', claim, credentials, what: 'spot.mp4' })
    await expect(collect(await signed.open())).rejects.toThrow('spot.mp4 changed while it was being signed')
  })
})
