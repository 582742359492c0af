import * as Y from 'yjs'
import { DocumentRecordType, PageRecordType, TLDOCUMENT_ID, type TLRecord } from '@tldraw/tlschema'
import { LocalAssetStore, type AssetStore } from '@montage/assets'
import { boardSchema, defaultReferenceProps, getMeta, getRecords, validateRecord, type TReferenceProps, type TShotProps } from '@montage/board'
import {
  addMember,
  appendBoardUpdate,
  createBoard,
  createDb,
  createWorkspace,
  getBoard,
  grantCredits,
  recordAsset,
  upsertUser,
} from '@montage/db'
import type { TRole } from '@montage/core'
import { renderDemoPlate } from './render-demo-plate'

export const DEMO = {
  workspaceId: '6d6f6e74-6167-4500-8000-000000000001',
  boardId: '6d6f6e74-6167-4500-8000-0000000000b1',
  users: [
    { subject: 'local:ada', name: 'Ada Moreau', role: 'producer' },
    { subject: 'local:ben', name: 'Ben Okafor', role: 'editor' },
    { subject: 'local:rui', name: 'Rui Tanaka', role: 'reviewer' },
  ] satisfies { subject: string; name: string; role: TRole }[],
  owner: { subject: 'local:sam', name: 'Sam Reyes' },
} as const

export interface SeedDemoOptions {
  databaseUrl: string
  dataDir: string
  /**
   * The workspace's and board's ids; the fixed DEMO ones by default. Test stacks pass fresh ones:
   * board commands and relays are addressed by board id on a NATS every stack shares, so a fixed
   * id would let one stack's commands land on another's board (or on `npm start`'s demo board).
   */
  ids?: { workspaceId: string; boardId: string }
  /** Where the demo plate goes; the local folder `$dataDir/assets` when not given. */
  store?: AssetStore
}

/** Seeds the demo workspace, its members and a board with a reference and a shot. Idempotent. */
export async function seedDemo({ databaseUrl, dataDir, ids = DEMO, store = new LocalAssetStore(`${dataDir}/assets`) }: SeedDemoOptions): Promise<{ boardId: string; workspaceId: string; created: boolean }> {
  const { workspaceId, boardId } = ids
  const sql = createDb({ url: databaseUrl, max: 1 })
  try {
    if (await getBoard(sql, boardId)) return { boardId, workspaceId, created: false }

    const owner = await upsertUser(sql, { authSubject: DEMO.owner.subject, name: DEMO.owner.name })
    await createWorkspace(sql, { id: workspaceId, name: 'Northwind Studio', ownerId: owner.id })
    for (const u of DEMO.users) {
      const user = await upsertUser(sql, { authSubject: u.subject, name: u.name })
      await addMember(sql, { workspaceId, userId: user.id, role: u.role })
    }
    await grantCredits(sql, { workspaceId, amount: 1000, note: 'Demo credits' })

    const png = await renderDemoPlate()
    const stored = await store.putBytes(png)
    await recordAsset(sql, { workspaceId, sha256: stored.sha256, mimeType: 'image/png', byteSize: stored.byteSize, width: 1600, height: 900 })

    await createBoard(sql, { id: boardId, workspaceId, name: 'Lighthouse — launch film', createdBy: owner.id })
    const doc = demoBoardDoc(stored.sha256)
    await appendBoardUpdate(sql, { boardId, update: Y.encodeStateAsUpdate(doc) })
    return { boardId, workspaceId, created: true }
  } finally {
    await sql.end()
  }
}

function demoBoardDoc(plateSha256: string): Y.Doc {
  const doc = new Y.Doc()
  // tldraw's default page id, the one a new board's first client creates too.
  const pageId = PageRecordType.createId('page')
  const shape = (id: string, type: string, x: number, y: number, index: string, props: object): TLRecord =>
    validateRecord({ id, typeName: 'shape', type, x, y, rotation: 0, index, parentId: pageId, isLocked: false, opacity: 1, meta: {}, props } as unknown as TLRecord)

  const reference: TReferenceProps = { ...defaultReferenceProps(), w: 320, h: 180, tag: 'lighthouse', kind: 'location', assetSha256: plateSha256, mimeType: 'image/png' }
  const shot: TShotProps = {
    w: 360,
    h: 424,
    title: 'Shot 1 — Opening',
    prompt: 'Slow push in on @lighthouse at dusk, the lamp just turning on',
    model: 'previz',
    duration: 2,
    aspectRatio: '16:9',
    cameraMove: 'push_in',
    referenceIds: ['shape:demo-ref-lighthouse'],
  }
  const records: TLRecord[] = [
    DocumentRecordType.create({ id: TLDOCUMENT_ID, name: 'Lighthouse — launch film' }),
    PageRecordType.create({ id: pageId, name: 'Board', index: 'a1' as never }),
    shape('shape:demo-ref-lighthouse', 'reference', 0, 0, 'a1', reference),
    shape('shape:demo-shot-1', 'shot', 400, 0, 'a2', shot),
  ]
  const kv = getRecords(doc)
  doc.transact(() => {
    for (const r of records) kv.set(r.id, r)
    getMeta(doc).set('schema', boardSchema().serialize())
  })
  return doc
}
