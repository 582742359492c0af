import type postgres from 'postgres'
import type { Sql } from './client'
import type { CreateGenerationOptions } from './generations'
import { holdCredits } from './hold-credits'
import { checkBoardBudgets } from './budgets'

export interface CreateReservedGenerationsOptions {
  workspaceId: string
  /** Every generation belongs to `workspaceId`. */
  generations: Array<CreateGenerationOptions & { parentGenerationId?: string; sourceAssetSha256?: string; awaitingApproval?: boolean }>
  /** Runs in the same transaction, before the credits are held: what must be stored with the charge or not at all (the Idempotency-Key's mark). */
  alsoStore?: (tx: postgres.TransactionSql) => Promise<void>
}

/**
 * How every generation the web starts is stored: the rows (one, a batch's N, an edit) and each
 * one's credit reservation in one transaction, all or nothing. When the workspace cannot pay for
 * every one, it throws INSUFFICIENT_CREDITS and stores nothing. The workflow's own reservation
 * later finds the reservation and is a no-op, so each generation is reserved exactly once.
 * A generation `awaitingApproval` is stored waiting (`approval = 'awaiting'`) and not reserved:
 * its workflow reserves once a producer approves. Its price must still fit the board's budget now.
 */
export async function createReservedGenerations(sql: Sql, opts: CreateReservedGenerationsOptions): Promise<{ balance: number }> {
  return sql.begin(async (tx) => {
    for (const g of opts.generations) {
      if (g.workspaceId !== opts.workspaceId) throw new Error(`generation ${g.id} is not in workspace ${opts.workspaceId}`)
    }
    // The lock holdCredits takes, taken before the inserts: their foreign keys share-lock the
    // workspace row, and two starts upgrading that share lock at once would deadlock.
    await tx`SELECT id FROM workspaces WHERE id = ${opts.workspaceId} FOR UPDATE`
    for (const g of opts.generations) {
      await tx`
        INSERT INTO generations (id, workspace_id, board_id, shot_id, variation_id, model, params, credits, workflow_id, created_by, parent_generation_id, source_asset_sha256, request, approval)
        VALUES (${g.id}, ${g.workspaceId}, ${g.boardId}, ${g.shotId}, ${g.variationId}, ${g.model},
                ${tx.json(g.params as never)}, ${g.credits}, ${g.workflowId}, ${g.createdBy}, ${g.parentGenerationId ?? null}, ${g.sourceAssetSha256 ?? null},
                ${g.request === undefined ? null : tx.json(g.request as never)}, ${g.awaitingApproval ? 'awaiting' : null})`
    }
    if (opts.generations.some((g) => g.awaitingApproval)) {
      await checkBoardBudgets(tx, { workspaceId: opts.workspaceId, charges: opts.generations.map((g) => ({ boardId: g.boardId, amount: g.credits })) })
    }
    await opts.alsoStore?.(tx)
    // After the rows, which the ledger's rows reference; a refusal rolls the rows back with it.
    return holdCredits(tx, { workspaceId: opts.workspaceId, holds: opts.generations.filter((g) => !g.awaitingApproval).map((g) => ({ generationId: g.id, amount: g.credits })) })
  })
}
