import { NextResponse } from 'next/server'
import { ZSearchQuery, parseInput, type TSearchResponse } from '@montage/core'
import { searchWorkspace } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

/**
 * `GET /api/search?q=…&workspaceId=…` → `{ q, items }`: boards, shots, prompts, tags, comments and
 * people of that workspace matching every word of `q` (as prefixes), best first within each kind.
 * Anyone who may read the workspace's boards may search it.
 */
export const GET = route(async (req) => {
  const { caller } = await requireApiSession()
  const query = parseInput(ZSearchQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId: query.workspaceId, caller, permission: 'board.view' })
  const hits = await searchWorkspace(sql, { workspaceId: query.workspaceId, q: query.q })
  const body: TSearchResponse = { q: query.q, items: hits.map(({ rank: _rank, ...hit }) => hit) }
  return NextResponse.json(body)
})
