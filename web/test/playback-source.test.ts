import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { defaultVariationProps, getRecords } from '@montage/board'
import { appendBoardUpdate, createBoard, createWorkspace, upsertUser, type Sql } from '@montage/db'
import { openTestDb } from '@montage/db/testing'
import { playbackSha256 } from '../lib/client/playback-sha256'
import { storedBoardScope } from '../lib/server/stored-board-scope'

const sha = (c: string) => c.repeat(64)

describe('which bytes a player loads', () => {
  it('plays the web proxy when the variation has one, the output otherwise', () => {
    expect(playbackSha256({ assetSha256: sha('a'), proxySha256: sha('b') })).toBe(sha('b'))
    expect(playbackSha256({ assetSha256: sha('a'), proxySha256: '' })).toBe(sha('a'))
    expect(playbackSha256({ assetSha256: sha('a') })).toBe(sha('a'))
    expect(playbackSha256({ assetSha256: sha('a'), proxySha256: null })).toBe(sha('a'))
  })
})

// Real PostgreSQL: the guest routes read the stored board document, as here.
describe('a review link\'s scope', () => {
  let sql: Sql
  beforeAll(async () => {
    sql = await openTestDb()
  })
  afterAll(async () => {
    await sql?.end()
  })

  it('lets a guest load a variation\'s proxy, and reads a variation stored before proxies as having none', async () => {
    const user = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Guest test' })
    const ws = await createWorkspace(sql, { name: 'Studio', ownerId: user.id })
    const board = await createBoard(sql, { workspaceId: ws.id, name: 'Board', createdBy: user.id })
    const doc = new Y.Doc()
    const kv = getRecords(doc)
    const shape = (id: string, type: string, x: number, props: Record<string, unknown>) =>
      kv.set(id, { id, typeName: 'shape', type, x, y: 0, rotation: 0, index: 'a1', parentId: 'page:main', isLocked: false, opacity: 1, meta: {}, props } as never)
    shape('shape:shot', 'shot', 0, { title: 'Opening', prompt: '' })
    const done = { ...defaultVariationProps(), shotId: 'shape:shot', status: 'succeeded', mimeType: 'video/mp4' }
    shape('shape:big', 'variation', 400, { ...done, assetSha256: sha('1'), posterSha256: sha('2'), proxySha256: sha('3') })
    const { proxySha256: _none, ...older } = done
    shape('shape:old', 'variation', 800, { ...older, assetSha256: sha('4'), posterSha256: sha('5') })
    await appendBoardUpdate(sql, { boardId: board.id, update: Y.encodeStateAsUpdate(doc) })

    const scope = await storedBoardScope(sql, { boardId: board.id, scope: 'board', shotId: null })
    expect([...scope.assetShas].sort()).toEqual(['1', '2', '3', '4', '5'].map(sha))
    const [big, old] = scope.shots[0]!.variations
    expect(big).toMatchObject({ id: 'shape:big', assetSha256: sha('1'), proxySha256: sha('3') })
    expect(old).toMatchObject({ id: 'shape:old', assetSha256: sha('4'), proxySha256: '' })
    expect(playbackSha256(big!)).toBe(sha('3'))
    expect(playbackSha256(old!)).toBe(sha('4'))
  })
})
