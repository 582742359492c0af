import { createHash, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addReferenceView, createLibraryReference, insertUploadedAsset, listLibraryReferences, recordAssetIngest, type Sql } from '../src'
import { createTestStudio, openTestDb } from '../src/testing'

let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

async function studio() {
  const { owner: user, ws } = await createTestStudio(sql, { ownerName: 'Owner' })
  const asset = async (mimeType = 'image/png') => {
    const sha256 = createHash('sha256').update(randomUUID()).digest('hex')
    return (await insertUploadedAsset(sql, { workspaceId: ws.id, sha256, mimeType, byteSize: 10, width: 4, height: 4, durationMs: null, ingest: 'pending', createdBy: user.id })).asset
  }
  return { user, ws, asset }
}

describe('uploaded assets', () => {
  it('records the same bytes once per workspace, and says when a row already existed', async () => {
    const s = await studio()
    const a = await s.asset()
    const again = await insertUploadedAsset(sql, { workspaceId: s.ws.id, sha256: a.sha256, mimeType: 'image/png', byteSize: 10, width: 4, height: 4, durationMs: null, ingest: 'pending', createdBy: s.user.id })
    expect(again).toMatchObject({ created: false, asset: { id: a.id, ingest: 'pending' } })
    const ready = await recordAssetIngest(sql, { assetId: a.id, ingest: 'ready', width: 4, height: 4, durationMs: null, posterSha256: 'f'.repeat(64), stripSha256: null, stripFrames: null, proxySha256: null })
    expect(ready).toMatchObject({ ingest: 'ready', posterSha256: 'f'.repeat(64), byteSize: 10 })
  })
})

describe('reference library', () => {
  it('creates a reference with its views; a taken tag is a CONFLICT on tag; another workspace may use it', async () => {
    const s = await studio()
    const [a, b] = [await s.asset(), await s.asset()]
    const ref = await createLibraryReference(sql, { workspaceId: s.ws.id, tag: 'hero', kind: 'character', name: 'Hero', assetIds: [a.id, b.id], createdBy: s.user.id })
    expect(ref).toMatchObject({ tag: 'hero', kind: 'character', name: 'Hero', views: [{ assetId: a.id, sha256: a.sha256 }, { assetId: b.id }] })
    await expect(createLibraryReference(sql, { workspaceId: s.ws.id, tag: 'hero', kind: 'style', name: '', assetIds: [a.id], createdBy: s.user.id })).rejects.toMatchObject({ code: 'CONFLICT', field: 'tag' })
    const t = await studio()
    await expect(createLibraryReference(sql, { workspaceId: t.ws.id, tag: 'hero', kind: 'character', name: '', assetIds: [(await t.asset()).id], createdBy: t.user.id })).resolves.toMatchObject({ tag: 'hero' })
    expect((await listLibraryReferences(sql, { workspaceId: s.ws.id })).map((r) => r.tag)).toEqual(['hero'])
  })

  it('refuses another workspace\u2019s asset as a view, storing nothing', async () => {
    const s = await studio()
    const foreign = await (await studio()).asset()
    await expect(createLibraryReference(sql, { workspaceId: s.ws.id, tag: 'bottle', kind: 'product', name: '', assetIds: [foreign.id], createdBy: s.user.id })).rejects.toMatchObject({ code: 'BAD_REQUEST', field: 'assetIds.0' })
    expect(await listLibraryReferences(sql, { workspaceId: s.ws.id })).toEqual([])
  })

  it('adds views up to three; adding one it has changes nothing', async () => {
    const s = await studio()
    const ref = await createLibraryReference(sql, { workspaceId: s.ws.id, tag: 'place', kind: 'location', name: '', assetIds: [(await s.asset()).id], createdBy: s.user.id })
    const second = await s.asset()
    await addReferenceView(sql, { workspaceId: s.ws.id, referenceId: ref.id, assetId: second.id })
    expect((await addReferenceView(sql, { workspaceId: s.ws.id, referenceId: ref.id, assetId: second.id })).views).toHaveLength(2)
    await addReferenceView(sql, { workspaceId: s.ws.id, referenceId: ref.id, assetId: (await s.asset()).id })
    await expect(addReferenceView(sql, { workspaceId: s.ws.id, referenceId: ref.id, assetId: (await s.asset()).id })).rejects.toMatchObject({ code: 'BAD_REQUEST', field: 'assetId' })
    const foreign = await (await studio()).asset()
    await expect(addReferenceView(sql, { workspaceId: s.ws.id, referenceId: ref.id, assetId: foreign.id })).rejects.toMatchObject({ field: 'assetId' })
  })
})
