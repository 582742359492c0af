import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createBoard,
  createGeneration,
  findSignedDownload,
  finishGeneration,
  getAssetProvenance,
  recordAsset,
  recordReviewDecision,
  recordSignedDownload,
  type Sql,
} from '../src'
import { createTestStudio, openTestDb } from '../src/testing'

let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

const hex = (c: string) => c.repeat(64)

async function studio() {
  const { owner, ws, members: [producer], boards: [board] } = await createTestStudio(sql, { members: [{ name: 'Ada Producer', role: 'producer' }], boards: ['B'] })
  return { owner, producer: producer!, ws, board: board! }
}

async function generation(s: Awaited<ReturnType<typeof studio>>, opts: { output: string; variationId: string; parent?: string; references?: string[] }) {
  const id = randomUUID()
  await createGeneration(sql, {
    id, workspaceId: s.ws.id, boardId: s.board.id, shotId: 'shape:shot', variationId: opts.variationId, model: opts.parent ? 'relight' : 'previz',
    params: {}, credits: 0, workflowId: `generation/${id}`, createdBy: s.owner.id,
    request: { prompt: 'a lighthouse', references: (opts.references ?? []).map((assetSha256) => ({ shapeId: 'shape:r', assetSha256 })) },
  })
  if (opts.parent) await sql`UPDATE generations SET parent_generation_id = ${opts.parent} WHERE id = ${id}`
  await finishGeneration(sql, { id, status: 'succeeded', outputAsset: opts.output, outputMimeType: 'video/mp4' })
  return id
}

describe('getAssetProvenance', () => {
  it("finds the generation behind an output, its parent and references, and the variation's decisions with roles", async () => {
    const s = await studio()
    const parent = await generation(s, { output: hex('a'), variationId: 'shape:v1', references: [hex('c')] })
    const edit = await generation(s, { output: hex('b'), variationId: 'shape:v2', parent })
    await recordReviewDecision(sql, { boardId: s.board.id, variationId: 'shape:v2', decision: 'changes_requested', decidedBy: s.owner.id })
    await recordReviewDecision(sql, { boardId: s.board.id, variationId: 'shape:v2', decision: 'approved', decidedBy: s.producer.id, note: 'ship it' })

    const p = await getAssetProvenance(sql, { boardId: s.board.id, sha256: hex('b') })
    expect(p.generation).toEqual({ id: edit, variationId: 'shape:v2', model: 'relight', prompt: 'a lighthouse', parent: { sha256: hex('a'), mimeType: 'video/mp4', variationId: 'shape:v1' }, referenceShas: [] })
    expect(p.decisions.map((d) => [d.decision, d.byName, d.role, d.note])).toEqual([
      ['changes_requested', 'Sam Owner', 'owner', null],
      ['approved', 'Ada Producer', 'producer', 'ship it'],
    ])
    const first = await getAssetProvenance(sql, { boardId: s.board.id, sha256: hex('a') })
    expect(first.generation).toMatchObject({ id: parent, parent: null, referenceShas: [hex('c')] })
    expect(first.decisions).toEqual([])
  })

  it('names the upload an edit was made from as its parent (issue 15: an edit of an upload has no parent generation)', async () => {
    const s = await studio()
    await recordAsset(sql, { workspaceId: s.ws.id, sha256: hex('9'), mimeType: 'image/png', byteSize: 10 })
    const edit = await generation(s, { output: hex('8'), variationId: 'shape:v4' })
    await sql`UPDATE generations SET model = 'restyle', source_asset_sha256 = ${hex('9')} WHERE id = ${edit}`
    const p = await getAssetProvenance(sql, { boardId: s.board.id, sha256: hex('8') })
    expect(p.generation).toMatchObject({ id: edit, model: 'restyle', parent: { sha256: hex('9'), mimeType: 'image/png', variationId: null } })
  })

  it('knows nothing of bytes no generation of this board made (an upload), nor of another board', async () => {
    const s = await studio()
    await generation(s, { output: hex('d'), variationId: 'shape:v3' })
    const other = await createBoard(sql, { workspaceId: s.ws.id, name: 'Other', createdBy: s.owner.id })
    expect(await getAssetProvenance(sql, { boardId: s.board.id, sha256: hex('e') })).toEqual({ generation: null, decisions: [] })
    expect(await getAssetProvenance(sql, { boardId: other.id, sha256: hex('d') })).toEqual({ generation: null, decisions: [] })
  })
})

describe('signed downloads', () => {
  it('keeps the first signed copy per source and manifest', async () => {
    const s = await studio()
    const key = { workspaceId: s.ws.id, sourceSha256: hex('a'), manifestKey: hex('f') }
    expect(await findSignedDownload(sql, key)).toBeNull()
    expect(await recordSignedDownload(sql, { ...key, signedSha256: hex('1'), byteSize: 10 })).toEqual({ signedSha256: hex('1'), byteSize: 10 })
    // A second request that signed at the same time is told about the first copy.
    expect(await recordSignedDownload(sql, { ...key, signedSha256: hex('2'), byteSize: 11 })).toEqual({ signedSha256: hex('1'), byteSize: 10 })
    expect(await findSignedDownload(sql, { ...key, manifestKey: hex('0') })).toBeNull()
  })
})
