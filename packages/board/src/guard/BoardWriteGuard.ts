import type * as Y from 'yjs'
import { getMeta, getRecords } from '../doc'
import type { BoardRecords, TRecordChange } from '../BoardRecords'
import type { TLRecord, TLShape } from '@tldraw/tlschema'
import { VARIATION_SHAPE, type TVariationServerProps } from '../shapes'
import { readUpdateEffect } from './read-update-effect'
import { checkBoardWrites, serverProps, variationProps, type TBoardWriteLimits, type TRecordWrites } from './check-board-writes'
import { checkMetaWrites } from './check-meta-writes'
import { BoardRelations } from './BoardRelations'

/** Deleted variations remembered for undo; older ones cannot be put back with their results. */
const REMEMBERED_DELETIONS = 1_000

/**
 * Guards one board document against the people writing it: `check` reads what a client's Yjs
 * update would change and answers why it may not count (or null), before anything of it is applied
 * (the collab-server); `checkWrites` does the same for record changes (the canvas, before sending).
 * Remembers the server-written props of variations deleted while the board is open, so that a
 * person's undo of a deletion (the same record put back) is told apart from a forged result.
 */
export class BoardWriteGuard {
  private readonly records: BoardRecords
  private readonly meta: Y.Map<unknown>
  private readonly relations: BoardRelations
  private readonly deleted = new Map<string, TVariationServerProps>()

  constructor(
    private readonly doc: Y.Doc,
    private readonly limits: TBoardWriteLimits,
  ) {
    this.records = getRecords(doc)
    this.meta = getMeta(doc)
    this.relations = new BoardRelations(this.records)
    this.records.on('change', this.onChange)
  }

  /** Why `update` may not be applied for a person, as a sentence; null when it may. */
  check(update: Uint8Array): string | null {
    let effect
    try {
      effect = readUpdateEffect(this.doc, update)
    } catch (e) {
      return `The update could not be read: ${e instanceof Error ? e.message : String(e)}`
    }
    if (effect.problems.length > 0) return capitalize(effect.problems[0]!) + '.'
    const metaProblem = checkMetaWrites({ current: new Map(this.meta.entries()), writes: effect.metaWrites, deletes: effect.metaDeletes })
    if (metaProblem) return metaProblem
    const writes: TRecordWrites = { written: new Map(), deleted: new Set() }
    for (const [key, values] of effect.recordWrites) {
      if (values.length > 1) return `${key} is written twice in one update.`
      writes.written.set(key, values[0])
    }
    for (const key of effect.recordDeletes) if (!writes.written.has(key)) writes.deleted.add(key)
    return this.checkWrites(writes)
  }

  /** Why these record changes may not count, as a sentence; null when they may. */
  checkWrites(writes: TRecordWrites): string | null {
    if (writes.written.size === 0 && writes.deleted.size === 0) return null
    return checkBoardWrites({ before: this.records, relations: this.relations, writes, limits: this.limits, deletedVariation: (id) => this.deleted.get(id) })
  }

  destroy(): void {
    this.records.off('change', this.onChange)
    this.relations.destroy()
  }

  private readonly onChange = (changes: Map<string, TRecordChange>): void => {
    for (const [id, change] of changes) {
      if (change.action === 'delete') {
        if (!isVariation(change.oldValue)) continue
        this.deleted.delete(id)
        this.deleted.set(id, serverProps(variationProps(change.oldValue)))
        if (this.deleted.size > REMEMBERED_DELETIONS) this.deleted.delete(this.deleted.keys().next().value!)
      } else if (change.action === 'add') {
        this.deleted.delete(id)
      }
    }
  }
}

function isVariation(record: TLRecord | undefined): record is TLShape {
  return record?.typeName === 'shape' && (record as TLShape).type === VARIATION_SHAPE && typeof (record as TLShape).props === 'object' && (record as TLShape).props !== null
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
