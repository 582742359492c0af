import { NextResponse } from 'next/server'
import { ZSetBoardBudgetRequest, parseInput, type TBoardBudgetView } from '@montage/core'
import { BUDGET_WARNING_SHARE, getBoardBudget, setBoardBudget, type TBoardBudget } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string }> }

function view(b: TBoardBudget): TBoardBudgetView {
  return { ...b, warning: b.budget !== null && b.spent >= b.budget * BUDGET_WARNING_SHARE }
}

/** The board's budget, what it spent and what is left (`warning` from 80%): whoever may see the credits. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, caller, permission: 'credits.view' })
  return NextResponse.json(view((await getBoardBudget(sql, { workspaceId: board.workspaceId, boardId }))!))
})

/** Sets the board's budget (`null` removes it): owners and producers. */
export const PUT = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, caller, permission: 'budget.manage' })
  const { budget } = parseInput(ZSetBoardBudgetRequest, await readJson(req))
  return NextResponse.json(view((await setBoardBudget(sql, { workspaceId: board.workspaceId, boardId, budget }))!))
})
