import { BUDGET_WARNING_SHARE, getBoardBudget, listApprovers, type Sql } from '@montage/db'
import { publishFeed } from '../publish-feed'
import { logger } from '../logger'

/**
 * Tells the owners and producers (the bell) when a job takes its board past 80% of its budget:
 * once, on the crossing. `adding` is the job's price; `charged` says whether the ledger already
 * holds it (a start) or will once the workflow reserves (an approval). Never fails the job.
 */
export async function warnIfBudgetCrossed(sql: Sql, opts: { workspaceId: string; boardId: string; adding: number; charged?: boolean; actorId: string }): Promise<void> {
  try {
    const b = await getBoardBudget(sql, { workspaceId: opts.workspaceId, boardId: opts.boardId })
    if (!b || b.budget === null || opts.adding <= 0) return
    const after = opts.charged ? b.spent : b.spent + opts.adding
    const before = after - opts.adding
    const line = b.budget * BUDGET_WARNING_SHARE
    if (!(after >= line && before < line)) return
    const recipients = await listApprovers(sql, opts.workspaceId)
    if (recipients.length === 0) return
    await publishFeed({
      id: `budget:${opts.boardId}:${b.budget}:${after}`,
      type: 'budget.warning',
      workspaceId: opts.workspaceId,
      boardId: opts.boardId,
      at: new Date().toISOString(),
      actor: { id: opts.actorId, name: '' },
      recipients,
      boardName: b.boardName.slice(0, 200),
      spent: after,
      budget: b.budget,
    })
  } catch (e) {
    logger().error({ err: e, boardId: opts.boardId }, 'could not check the board budget warning')
  }
}
