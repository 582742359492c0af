import type * as Y from 'yjs'
import { VARIATION_SHAPE, type getRecords } from '@montage/board'
import type { TLogger } from './logger'

type TRecords = ReturnType<typeof getRecords>
type TRecord = NonNullable<ReturnType<TRecords['get']>>

/** What y-utility's YKeyValue reports per key for one transaction. */
type TRecordChange =
  | { action: 'add'; newValue: TRecord }
  | { action: 'update'; oldValue: TRecord; newValue: TRecord }
  | { action: 'delete'; oldValue: TRecord }

/** A client change to put back once the client's transaction is over. */
type TRevert =
  | { kind: 'restore-record'; userId: string; record: TRecord }
  | { kind: 'restore-review-state'; userId: string; reviewState: unknown }

export interface TGuardReviewStateOptions {
  boardId: string
  /** The room's own records, observed for the room's lifetime (one YKeyValue, so one observer). */
  records: TRecords
  logger: TLogger
  /** The person behind a transaction's origin when a client connection made it; null otherwise. */
  clientOf: (origin: unknown) => { userId: string } | null
  /** Origin of the reverting transaction: a server write, so it is stored, sent to everyone and relayed. */
  revertOrigin: unknown
}

/**
 * Keeps review decisions the server's own: a decision is written only by the board command that
 * follows its `review_decisions` row, so a client update that deletes (or replaces) an approved
 * variation, changes a variation's `reviewState`, or creates a variation claiming approval is
 * put back in a new server transaction, which converges every copy, the sender's included.
 * Only what each client transaction changed is looked at; loads, relayed updates and the
 * server's own writes pass (the instance the client is connected to is the one that reverts).
 * Returns a function that stops guarding.
 */
export function guardReviewState(opts: TGuardReviewStateOptions): () => void {
  const { boardId, records, logger } = opts
  const doc = records.doc
  const reverts = new Map<string, TRevert>()

  const onChange = (changes: Map<string, TRecordChange>, transaction: Y.Transaction): void => {
    const client = opts.clientOf(transaction.origin)
    if (!client) return
    for (const [id, change] of changes) {
      const revert = revertFor(change, client.userId)
      if (revert && !reverts.has(id)) reverts.set(id, revert)
    }
  }

  // Written after the client's transaction and YKeyValue's own clean-ups are over: writing from
  // inside its change event would interleave with the other YKeyValue observers of the array.
  const onAfterAllTransactions = (): void => {
    if (reverts.size === 0) return
    const due = [...reverts]
    reverts.clear()
    doc.transact(() => {
      for (const [id, revert] of due) {
        // Decided on what the board holds now, not on the event: a revert never undoes a later write.
        const current = records.get(id)
        const state = reviewStateOf(current)
        if (revert.kind === 'restore-record') {
          if (state !== NOT_A_VARIATION) continue
          records.set(id, revert.record)
        } else {
          if (current === undefined || state === NOT_A_VARIATION || sameState(state, revert.reviewState)) continue
          records.set(id, withReviewState(current, revert.reviewState))
        }
        logger.warn('reverted a client change to a variation review decision', { boardId, userId: revert.userId, shapeId: id, revert: revert.kind })
      }
    }, opts.revertOrigin)
  }

  records.on('change', onChange)
  doc.on('afterAllTransactions', onAfterAllTransactions)
  return () => {
    records.off('change', onChange)
    doc.off('afterAllTransactions', onAfterAllTransactions)
  }
}

/** What, if anything, must be put back after a client made `change`. */
function revertFor(change: TRecordChange, userId: string): TRevert | null {
  const before = change.action === 'add' ? NOT_A_VARIATION : reviewStateOf(change.oldValue)
  const after = change.action === 'delete' ? NOT_A_VARIATION : reviewStateOf(change.newValue)
  if (before === NOT_A_VARIATION) {
    // A copy (duplicate, paste) or a forged record has no decision of its own.
    return sameState(after, 'approved') ? { kind: 'restore-review-state', userId, reviewState: 'pending' } : null
  }
  if (after === NOT_A_VARIATION) {
    // Deleted, or replaced by a record that is no longer a variation.
    return sameState(before, 'approved') && change.action !== 'add' ? { kind: 'restore-record', userId, record: change.oldValue } : null
  }
  return sameState(before, after) ? null : { kind: 'restore-review-state', userId, reviewState: before }
}

const NOT_A_VARIATION = Symbol('not a variation')

/** The record's review state when it is a variation (a missing prop reads as its default). */
function reviewStateOf(record: TRecord | undefined): unknown {
  if (record?.typeName !== 'shape' || record.type !== VARIATION_SHAPE) return NOT_A_VARIATION
  return (record.props as { reviewState?: unknown } | undefined)?.reviewState ?? 'pending'
}

/** States are plain JSON; a client may have written anything there, so compare by value. */
function sameState(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b))
}

function withReviewState(record: TRecord, reviewState: unknown): TRecord {
  return { ...record, props: { ...(record as { props?: object }).props, reviewState } } as TRecord
}
