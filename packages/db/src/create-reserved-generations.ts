import { AppError, AppErrorCode } from '@montage/core'
import type { Sql } from './client'
import type { CreateGenerationOptions } from './generations'

export interface CreateReservedGenerationsOptions {
  workspaceId: string
  /** Every generation belongs to `workspaceId`. */
  generations: Array<CreateGenerationOptions & { parentGenerationId?: string }>
}

/**
 * Inserts the generation rows of a batch (or an edit) and reserves each one's credits in one
 * transaction: all or nothing. When the workspace cannot pay for every one, it throws
 * INSUFFICIENT_CREDITS and stores nothing. The workflow's own reservation later finds the row and
 * is a no-op, so each generation is still reserved exactly once.
 */
export async function createReservedGenerations(sql: Sql, opts: CreateReservedGenerationsOptions): Promise<{ balance: number }> {
  const total = opts.generations.reduce((sum, g) => sum + g.credits, 0)
  return sql.begin(async (tx) => {
    // The same row lock reserveCredits takes: concurrent starts of one workspace queue here.
    await tx`SELECT id FROM workspaces WHERE id = ${opts.workspaceId} FOR UPDATE`
    const [row] = await tx<{ balance: number }[]>`
      SELECT COALESCE(SUM(amount), 0)::int AS balance FROM credit_ledger WHERE workspace_id = ${opts.workspaceId}`
    const balance = row!.balance
    if (balance < total) {
      const n = opts.generations.length
      throw new AppError(AppErrorCode.INSUFFICIENT_CREDITS, `${n === 1 ? 'This needs' : `These ${n} variations need`} ${total} credits; the workspace has ${balance}.`)
    }
    for (const g of opts.generations) {
      if (g.workspaceId !== opts.workspaceId) throw new Error(`generation ${g.id} is not in workspace ${opts.workspaceId}`)
      await tx`
        INSERT INTO generations (id, workspace_id, board_id, shot_id, variation_id, model, params, credits, workflow_id, created_by, parent_generation_id)
        VALUES (${g.id}, ${g.workspaceId}, ${g.boardId}, ${g.shotId}, ${g.variationId}, ${g.model},
                ${tx.json(g.params as never)}, ${g.credits}, ${g.workflowId}, ${g.createdBy}, ${g.parentGenerationId ?? null})`
      await tx`
        INSERT INTO credit_ledger (workspace_id, kind, amount, generation_id)
        VALUES (${opts.workspaceId}, 'reserve', ${-g.credits}, ${g.id})`
    }
    return { balance: balance - total }
  })
}
