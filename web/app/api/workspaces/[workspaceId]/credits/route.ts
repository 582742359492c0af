import { NextResponse } from 'next/server'
import { ZCreditsQuery, parseInput } from '@montage/core'
import { getCreditsReport } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string }> }

/** Balance, ledger and spend, filtered by `board`, `person`, `model`, `from` and `to` (empty ones ignored); refused to reviewers. */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId } = await params
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'credits.view' })
  const filters = parseInput(ZCreditsQuery, Object.fromEntries([...new URL(req.url).searchParams].filter(([, v]) => v !== '')))
  return NextResponse.json(await getCreditsReport(sql, { workspaceId, filters }))
})
