import type { Sql } from './client'
import { finishGeneration } from './generations'
import { releaseCredits } from './release-credits'

export interface FailUnstartedGenerationsOptions {
  generationIds: string[]
  /** Stored as each row's error. */
  reason: string
}

/**
 * Undoes a start whose workflow never began (Temporal refused it): each reservation goes back and
 * each row is finished as failed with the reason. Idempotent, like the steps it is made of.
 */
export async function failUnstartedGenerations(sql: Sql, opts: FailUnstartedGenerationsOptions): Promise<void> {
  for (const id of opts.generationIds) {
    await releaseCredits(sql, { generationId: id })
    await finishGeneration(sql, { id, status: 'failed', error: opts.reason })
  }
}
