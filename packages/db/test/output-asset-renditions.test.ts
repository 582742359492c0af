import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completeOutputAssetRenditions, createGeneration, finishGeneration, insertUploadedAsset, recordAsset, type Sql } from '../src'
import { createTestStudio, openTestDb } from '../src/testing'

// Issue 15: an upload whose bytes equal a generated output reused the output's row, which has no
// poster, strip or proxy, and was then refused as a reference for good ("still being processed").
let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

const sha = () => randomUUID().replace(/-/g, '').repeat(2)

async function studio() {
  const { owner, ws, boards: [board] } = await createTestStudio(sql, { boards: ['B'] })
  return { owner, ws, board: board! }
}

/** An output row as the workflow records it (no renditions on the asset row), and the same bytes uploaded. */
async function outputUploadedAgain(s: Awaited<ReturnType<typeof studio>>, mimeType = 'video/mp4') {
  const output = sha()
  await recordAsset(sql, { workspaceId: s.ws.id, sha256: output, mimeType, byteSize: 1000, createdBy: s.owner.id })
  const { asset, created } = await insertUploadedAsset(sql, { workspaceId: s.ws.id, sha256: output, mimeType, byteSize: 1000, width: 640, height: 360, durationMs: 5000, ingest: 'pending', createdBy: s.owner.id })
  expect(created).toBe(false)
  expect(asset).toMatchObject({ ingest: 'ready', posterSha256: null })
  return { output, asset }
}

describe('completeOutputAssetRenditions', () => {
  it("gives the row the renditions of the succeeded generation that made those bytes, at once", async () => {
    const s = await studio()
    const { output, asset } = await outputUploadedAgain(s)
    const [poster, strip, proxy] = [sha(), sha(), sha()]
    const id = randomUUID()
    await createGeneration(sql, { id, workspaceId: s.ws.id, boardId: s.board.id, shotId: 'shape:shot', variationId: 'shape:v1', model: 'previz', params: {}, credits: 0, workflowId: `generation/${id}`, createdBy: s.owner.id })
    await finishGeneration(sql, { id, status: 'succeeded', outputAsset: output, posterAsset: poster, stripAsset: strip, stripFrames: 10, proxyAsset: proxy, outputMimeType: 'video/mp4' })

    const done = await completeOutputAssetRenditions(sql, { assetId: asset.id, width: 640, height: 360, durationMs: 5000 })
    expect(done).toMatchObject({ shared: true, asset: { ingest: 'ready', posterSha256: poster, stripSha256: strip, stripFrames: 10, proxySha256: proxy, width: 640, height: 360, durationMs: 5000 } })
    // Complete now: nothing more to do for the next upload of the same bytes.
    expect(await completeOutputAssetRenditions(sql, { assetId: asset.id, width: 640, height: 360, durationMs: 5000 })).toBeNull()
  })

  it('without a succeeded generation behind the bytes, marks the row pending for its own ingest, once', async () => {
    const s = await studio()
    const { asset } = await outputUploadedAgain(s)
    const first = await completeOutputAssetRenditions(sql, { assetId: asset.id, width: 640, height: 360, durationMs: 5000 })
    expect(first).toMatchObject({ shared: false, asset: { ingest: 'pending', width: 640, height: 360, durationMs: 5000 } })
    // A second upload meanwhile starts no second ingest.
    expect(await completeOutputAssetRenditions(sql, { assetId: asset.id, width: 640, height: 360, durationMs: 5000 })).toBeNull()
  })

  it('leaves a sound alone (its waveform is no still)', async () => {
    const s = await studio()
    const { asset } = await outputUploadedAgain(s, 'audio/mpeg')
    expect(await completeOutputAssetRenditions(sql, { assetId: asset.id, width: null, height: null, durationMs: 3000 })).toBeNull()
  })
})
