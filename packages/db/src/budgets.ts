import type postgres from 'postgres'
import { AppError, AppErrorCode } from '@montage/core'
import type { Sql } from './client'

type Tx = Sql | postgres.TransactionSql

/** A board's budget, what its jobs have spent and what is left; `budget` null: none set. */
export interface TBoardBudget {
  boardId: string
  boardName: string
  budget: number | null
  /** Credits the ledger charged for the board's generations: reserved and settled, refunds given back. */
  spent: number
  /** null without a budget; never below 0. */
  remaining: number | null
}

/** The share of its budget at which a board warns (the credit pill, a banner, the bell). */
export const BUDGET_WARNING_SHARE = 0.8

/** The budgets of some boards (all of a workspace's when `boardIds` is absent). */
export async function listBoardBudgets(sql: Tx, opts: { workspaceId: string; boardIds?: string[] }): Promise<TBoardBudget[]> {
  const rows = await sql<{ boardId: string; boardName: string; budget: number | null; spent: number }[]>`
    SELECT b.id AS "boardId", b.name AS "boardName", b.budget_credits AS budget,
      COALESCE((SELECT -SUM(l.amount) FROM credit_ledger l JOIN generations g ON g.id = l.generation_id
                WHERE g.board_id = b.id AND l.kind <> 'grant'), 0)::int AS spent
    FROM boards b
    WHERE b.workspace_id = ${opts.workspaceId}
      ${opts.boardIds ? sql`AND b.id = ANY(${opts.boardIds}::uuid[])` : sql`AND b.archived_at IS NULL`}
    ORDER BY b.name`
  return rows.map((r) => ({ ...r, remaining: r.budget === null ? null : Math.max(0, r.budget - r.spent) }))
}

export async function getBoardBudget(sql: Tx, opts: { workspaceId: string; boardId: string }): Promise<TBoardBudget | null> {
  const [row] = await listBoardBudgets(sql, { workspaceId: opts.workspaceId, boardIds: [opts.boardId] })
  return row ?? null
}

/**
 * The budget rule, inside the caller's transaction (the workspace row already locked, so two jobs
 * of one board cannot both fit the same remainder): each board's new charges together must fit
 * what its budget has left, else BUDGET_EXCEEDED with the figures.
 */
export async function checkBoardBudgets(tx: Tx, opts: { workspaceId: string; charges: Array<{ boardId: string; amount: number }> }): Promise<void> {
  const byBoard = new Map<string, number>()
  for (const c of opts.charges) byBoard.set(c.boardId, (byBoard.get(c.boardId) ?? 0) + c.amount)
  if (byBoard.size === 0) return
  const budgets = await listBoardBudgets(tx, { workspaceId: opts.workspaceId, boardIds: [...byBoard.keys()] })
  for (const b of budgets) {
    const amount = byBoard.get(b.boardId) ?? 0
    if (b.budget === null || b.remaining === null || amount <= b.remaining) continue
    throw new AppError(
      AppErrorCode.BUDGET_EXCEEDED,
      `This job costs ${amount} credits; the board '${b.boardName}' has ${b.remaining} of its ${b.budget}-credit budget left.`,
    )
  }
}

/** Sets (or, with null, clears) a board's budget; null when the board is not in the workspace. */
export async function setBoardBudget(sql: Sql, opts: { workspaceId: string; boardId: string; budget: number | null }): Promise<TBoardBudget | null> {
  const result = await sql`UPDATE boards SET budget_credits = ${opts.budget} WHERE id = ${opts.boardId} AND workspace_id = ${opts.workspaceId}`
  if (result.count === 0) return null
  return getBoardBudget(sql, opts)
}

export async function getApprovalThreshold(sql: Tx, workspaceId: string): Promise<number | null> {
  const [row] = await sql<{ threshold: number | null }[]>`SELECT approval_threshold AS threshold FROM workspaces WHERE id = ${workspaceId}`
  return row?.threshold ?? null
}

export async function setApprovalThreshold(sql: Sql, opts: { workspaceId: string; threshold: number | null }): Promise<void> {
  await sql`UPDATE workspaces SET approval_threshold = ${opts.threshold} WHERE id = ${opts.workspaceId}`
}

/** A generation's approval as the decision route and the card need it. */
export interface TGenerationApproval {
  generationId: string
  workspaceId: string
  boardId: string
  variationId: string
  workflowId: string
  credits: number
  approval: 'awaiting' | 'approved' | 'refused' | null
  approvalBy: string | null
  approvalByName: string | null
}

const APPROVAL_COLUMNS = `g.id AS "generationId", g.workspace_id AS "workspaceId", g.board_id AS "boardId", g.variation_id AS "variationId",
  g.workflow_id AS "workflowId", g.credits, g.approval, g.approval_by AS "approvalBy", u.name AS "approvalByName"`

export async function getGenerationApproval(sql: Tx, generationId: string): Promise<TGenerationApproval | null> {
  const [row] = await sql<TGenerationApproval[]>`
    SELECT ${sql.unsafe(APPROVAL_COLUMNS)} FROM generations g LEFT JOIN users u ON u.id = g.approval_by WHERE g.id = ${generationId}`
  return row ?? null
}

/**
 * Records a decision on a waiting job, once: the first decision wins, a second one is a CONFLICT
 * naming the first. A refusal also finishes the row (cancelled, "Refused by …"); nothing was
 * reserved, so nothing is charged. An approval's reservation is the workflow's, when it resumes.
 */
export async function decideGenerationApproval(
  sql: Sql,
  opts: { generationId: string; decision: 'approve' | 'refuse'; userId: string; userName: string },
): Promise<TGenerationApproval> {
  const refused = opts.decision === 'refuse'
  const [moved] = await sql<{ id: string }[]>`
    UPDATE generations SET approval = ${refused ? 'refused' : 'approved'}, approval_by = ${opts.userId}, approval_at = now()
      ${refused ? sql`, status = 'cancelled', error = ${`Refused by ${opts.userName}.`}, finished_at = now()` : sql``}
    WHERE id = ${opts.generationId} AND approval = 'awaiting' AND finished_at IS NULL
    RETURNING id`
  const row = await getGenerationApproval(sql, opts.generationId)
  if (!row) throw new AppError(AppErrorCode.NOT_FOUND, 'No such generation.')
  if (!moved) {
    if (row.approval === 'approved' || row.approval === 'refused') {
      throw new AppError(AppErrorCode.CONFLICT, `This job was already ${row.approval} by ${row.approvalByName ?? 'someone'}.`)
    }
    throw new AppError(AppErrorCode.CONFLICT, 'This job is not waiting for approval.')
  }
  return row
}

/** Puts a decision back (its workflow could not be told): the job waits again. */
export async function undoGenerationApproval(sql: Sql, generationId: string): Promise<void> {
  await sql`
    UPDATE generations SET approval = 'awaiting', approval_by = NULL, approval_at = NULL,
      status = 'queued', error = NULL, finished_at = NULL
    WHERE id = ${generationId} AND approval IN ('approved', 'refused')`
}

/** The workspace's owners and producers: who hears of a waiting job or a board near its budget. */
export async function listApprovers(sql: Tx, workspaceId: string): Promise<string[]> {
  const rows = await sql<{ userId: string }[]>`
    SELECT user_id AS "userId" FROM memberships WHERE workspace_id = ${workspaceId} AND role IN ('owner', 'producer') ORDER BY user_id`
  return rows.map((r) => r.userId)
}
