import { createHash, randomUUID } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import type { S3AssetStore } from '@montage/assets'
import { startS3Server, type TestS3Server } from '@montage/assets/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runProcess } from '../src/ffmpeg/run-process'
import { ingestAssetJob } from '../src/render/ingest-asset-job'
import { compositeJob } from '../src/render/composite-job'
import { renderPrevizJob } from '../src/render/render-previz-job'
import { createRig, decodeRgbFrames, paths, probe, smoothPlate, writeImage, type TTestRig } from './helpers'

// The workers read and write only through the store: the same jobs, with S3 (gofakes3) as the store.
let rig: TTestRig
let s3: TestS3Server
let store: S3AssetStore
let tmpDir: string

beforeAll(async () => {
  rig = await createRig()
  s3 = await startS3Server()
  tmpDir = path.join(rig.dir, 'store-tmp')
  store = s3.store({ tmpDir })
})
afterAll(async () => {
  await s3?.stop()
  await rig?.cleanup()
})

async function keys(prefix: string): Promise<string[]> {
  const out = await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: prefix }))
  return (out.Contents ?? []).map((o) => o.Key!).sort()
}

async function shaOfBlob(sha256: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of await store.read(sha256)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Nothing half-done is left: no staging object, no open multipart upload, no temp copy. */
async function expectNothingLeft(): Promise<void> {
  expect(await keys('staging/')).toEqual([])
  // gofakes3 answers NoSuchUpload when the bucket never had a multipart upload: none open either way.
  const uploads = await store.client.send(new ListMultipartUploadsCommand({ Bucket: store.bucket })).catch((e: Error) => (e.name === 'NoSuchUpload' ? {} : Promise.reject(e)))
  expect((uploads as { Uploads?: unknown[] }).Uploads ?? []).toEqual([])
  expect(await readdir(tmpDir).catch(() => [])).toEqual([])
}

describe('gpu-worker jobs on the S3 store', () => {
  it('renders a previz from a plate in the bucket: outputs under their sha256, nothing left in staging', async () => {
    const plateFile = path.join(rig.dir, 'plate.png')
    await writeImage(smoothPlate(1280, 720), 1280, 720, plateFile)
    const plate = await store.putFile(plateFile)

    const out = await renderPrevizJob(
      { store, engine: rig.engine },
      { generationId: randomUUID(), workspaceId: randomUUID(), plateSha256: plate.sha256, params: { duration: 2, cameraMove: 'push_in', zoom: 1.2 } },
    )
    const outputs = [out.assetSha256, out.posterSha256, out.stripSha256!]
    expect(await keys('assets/')).toEqual([plate.sha256, ...outputs].map((sha) => `assets/${sha.slice(0, 2)}/${sha}`).sort())
    for (const sha of outputs) expect(await shaOfBlob(sha)).toBe(sha)
    expect(out.byteSize).toBe(await store.size(out.assetSha256))
    const video = await store.withLocalFile(out.assetSha256, (file) => probe(file))
    expect(video.stream).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 })
    await expectNothingLeft()
  })

  it('ingests an upload from the bucket: poster, strip and proxy stored there', async () => {
    const clip = path.join(rig.dir, 'clip.mov')
    await runProcess(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=24', '-t', '1', '-pix_fmt', 'yuv422p', '-c:v', 'mpeg4', '-q:v', '5', clip])
    const { sha256 } = await store.putFile(clip)
    const out = await ingestAssetJob({ store, engine: rig.engine }, { assetId: randomUUID(), workspaceId: randomUUID(), sha256, mimeType: 'video/quicktime' }, {})
    expect(out).toMatchObject({ width: 1280, height: 720, durationMs: 1000 })
    for (const sha of [out.posterSha256!, out.stripSha256!, out.proxySha256!]) {
      expect(await store.has(sha)).toBe(true)
      expect(await shaOfBlob(sha)).toBe(sha)
    }
    const proxy = await store.withLocalFile(out.proxySha256!, (file) => probe(file))
    expect(proxy.stream).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p' })
    await expectNothingLeft()
  })

  it('composites two sources from the bucket (each lent as a temp copy, all removed after)', async () => {
    const [W, H] = [64, 48]
    const put = async (rgb: Uint8Array, name: string) => {
      const file = path.join(rig.dir, name)
      await writeImage(rgb, W, H, file)
      return (await store.putFile(file)).sha256
    }
    const plate = new Uint8Array(W * H * 3).map((_, i) => [200, 120, 50][i % 3]!)
    const green = new Uint8Array(W * H * 3).map((_, i) => {
      const p = Math.floor(i / 3)
      const inside = Math.hypot((p % W) - W / 2, Math.floor(p / W) - H / 2) < 10
      return inside ? 128 : [0, 255, 0][i % 3]!
    })
    const [plateSha, greenSha] = [await put(plate, 'bg.png'), await put(green, 'green.png')]
    const out = await compositeJob(
      { store, engine: rig.engine },
      { generationId: randomUUID(), workspaceId: randomUUID(), foregroundSha256: greenSha, backgroundSha256: plateSha, params: { key: 'chroma', keyColor: '#00ff00', similarity: 0.25, softness: 0.1, match: 0 } },
    )
    expect(await shaOfBlob(out.assetSha256)).toBe(out.assetSha256)
    const [img] = await store.withLocalFile(out.assetSha256, (file) => decodeRgbFrames(file, W, H))
    // The corner shows the plate, where the foreground was green.
    const corner = Array.from(img!.subarray(0, 3))
    expect(Math.max(...corner.map((v, i) => Math.abs(v - [200, 120, 50][i]!)))).toBeLessThan(8)
    await expectNothingLeft()
  })
})
