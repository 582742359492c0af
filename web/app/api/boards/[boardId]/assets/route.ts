import { NextResponse } from 'next/server'
import { ZBoardAssetListQuery, parseInput, type TBoardAssetRole, type TBoardAssetView } from '@montage/core'
import { listAssetsBySha256Page } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { decodeCursor, toPage } from '@/lib/server/pagination'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'
import { storedBoardRecords } from '@/lib/server/stored-board-records'
import { toAssetView } from '@/lib/server/uploads/to-asset-view'

type Ctx = { params: Promise<{ boardId: string }> }

/** Which shapes show an asset, and as what: reference cards show uploads, variations and sequences their outputs. */
const ROLE_OF_SHAPE: Record<string, TBoardAssetRole> = { reference: 'upload', variation: 'output', sequence: 'output' }

/**
 * `GET /api/boards/:boardId/assets?role=&cursor=&limit=`: the assets the board's cards show (uploads
 * and outputs, `roles` saying which), oldest first, a page at a time; `role` keeps one kind. Read
 * from the board as the collab-server stored it, so a card shows here a few seconds after it lands.
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, caller, permission: 'board.view' })
  const query = parseInput(ZBoardAssetListQuery, Object.fromEntries(new URL(req.url).searchParams))
  const roles = new Map<string, Set<TBoardAssetRole>>()
  for (const r of await storedBoardRecords(sql, boardId)) {
    if (r.typeName !== 'shape') continue
    const role = ROLE_OF_SHAPE[r.type]
    const sha256 = (r.props as { assetSha256?: unknown }).assetSha256
    if (!role || typeof sha256 !== 'string' || !sha256) continue
    roles.set(sha256, (roles.get(sha256) ?? new Set()).add(role))
  }
  const sha256s = [...roles].filter(([, of]) => !query.role || of.has(query.role)).map(([sha256]) => sha256)
  const rows = await listAssetsBySha256Page(sql, { workspaceId: board.workspaceId, sha256s, after: decodeCursor(query.cursor), limit: query.limit })
  return NextResponse.json(
    toPage(rows, query.limit, (a) => ({ at: a.pageAt, id: a.id }), (a): TBoardAssetView => ({ ...toAssetView(a), roles: [...roles.get(a.sha256)!].sort() })),
  )
})
