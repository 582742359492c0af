import type * as Y from 'yjs'
import { getMeta, getRecords } from '../doc'
import type { BoardRecords, TRecordChange } from '../BoardRecords'
import type { TLRecord, TLShape } from '@tldraw/tlschema'
import { VARIATION_SHAPE, type TVariationServerProps } from '../shapes'
import { readUpdateEffect, type TDecodedUpdate, type TUpdateEffect } from './read-update-effect'
import { checkBoardWrites, jsonLengthBound, serverProps, variationProps, type TBoardWriteLimits, type TRecordWrites } from './check-board-writes'
import { checkMetaWrites } from './check-meta-writes'
import { BoardRelations } from './BoardRelations'
import { getTexts, isDraftTextField, isTagTextField, parseSharedTextKey, sharedTextFieldLimit, sharedTextHardLimit, sharedTextLimit } from '../texts'
import { REFERENCE_TAG_CHARS } from '../shapes/reference'

/** `check`'s answer for a commenter's update that writes more than comment drafts: dropped, not refused. */
export const DROP = Symbol('drop')

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

  /**
   * Why `update` may not be applied for a person, as a sentence; null when it may. With
   * `draftsOnly` (someone who may comment but not edit: a reviewer), an update that writes anything
   * but comment drafts is answered `DROP` (dropped, as all of a reviewer's updates were before
   * drafts were shared), and one that writes drafts only is checked as any update is. The update is
   * read once either way; `decoded` is the update as `Y.decodeUpdate` read it, when the caller has it.
   */
  check(update: Uint8Array, options: { draftsOnly?: boolean; decoded?: TDecodedUpdate } = {}): string | null | typeof DROP {
    let effect
    try {
      effect = readUpdateEffect(this.doc, update, options.decoded)
    } catch (e) {
      return options.draftsOnly ? DROP : `The update could not be read: ${e instanceof Error ? e.message : String(e)}`
    }
    if (options.draftsOnly && !writesCommentDraftsOnly(effect)) return DROP
    if (effect.problems.length > 0) return capitalize(effect.problems[0]!) + '.'
    const metaProblem = checkMetaWrites({ current: this.meta, writes: effect.metaWrites, deletes: effect.metaDeletes })
    if (metaProblem) return metaProblem
    const writes: TRecordWrites = { written: new Map(), deleted: new Set() }
    for (const [key, values] of effect.recordWrites) {
      if (values.length > 1) return `${key} is written twice in one update.`
      writes.written.set(key, values[0])
    }
    for (const key of effect.recordDeletes) if (!writes.written.has(key)) writes.deleted.add(key)
    return this.checkTexts(effect, writes) ?? this.checkWrites(writes, jsonLengthBound(update.byteLength))
  }

  /**
   * Shared texts: made only for a text field of a shape the board holds (or that this update
   * writes), never longer than twice the field's limit (two people filling it at once), and a
   * reference tag's text holds tag characters only (its prop is the text cut at 32 characters).
   */
  private checkTexts(effect: { textCreates: Set<string>; textInserts: Map<string, number>; textInsertedStrings: Map<string, string>; textDeletes: Map<string, number> }, writes: TRecordWrites): string | null {
    const texts = getTexts(this.doc)
    for (const key of effect.textCreates) {
      const parsed = parseSharedTextKey(key)
      if (!parsed) return `"${key.slice(0, 80)}" is not a text field of a shape.`
      const shape = writes.written.get(parsed.shapeId) ?? (writes.deleted.has(parsed.shapeId) ? undefined : this.records.get(parsed.shapeId))
      if (!shape || (shape as { typeName?: unknown }).typeName !== 'shape') return `A text for ${parsed.shapeId} was made, but the board holds no such shape.`
      if (sharedTextLimit((shape as { type?: unknown }).type, parsed.field) === null) return `${parsed.shapeId} has no text field "${parsed.field.slice(0, 40)}".`
    }
    for (const key of new Set([...effect.textInserts.keys(), ...effect.textDeletes.keys()])) {
      const parsed = parseSharedTextKey(key)
      const max = parsed ? sharedTextFieldLimit(parsed.field) : null
      if (max === null) return `"${key.slice(0, 80)}" is not a text field of a shape.`
      const before = effect.textCreates.has(key) ? 0 : (texts.get(key)?.length ?? 0)
      const after = before + (effect.textInserts.get(key) ?? 0) - (effect.textDeletes.get(key) ?? 0)
      if (after > sharedTextHardLimit(max)) return `The ${parsed!.field} of ${parsed!.shapeId} would hold ${after} characters; it may hold at most ${max}.`
      if (isTagTextField(parsed!.field) && !REFERENCE_TAG_CHARS.test(effect.textInsertedStrings.get(key) ?? '')) return `The ${parsed!.field} of ${parsed!.shapeId} may hold lowercase letters, digits, - and _ only.`
    }
    return null
  }

  /**
   * Why these record changes may not count, as a sentence; null when they may. `jsonLengthAtMost`:
   * at least the JSON length of every written record, when known (see `checkBoardWrites`).
   */
  checkWrites(writes: TRecordWrites, jsonLengthAtMost?: number): string | null {
    if (writes.written.size === 0 && writes.deleted.size === 0) return null
    return checkBoardWrites({ before: this.records, relations: this.relations, writes, limits: this.limits, deletedVariation: (id) => this.deleted.get(id), jsonLengthAtMost })
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

/** Whether an update writes comment drafts and nothing else (no record, no meta, no other text). */
function writesCommentDraftsOnly(effect: TUpdateEffect): boolean {
  if (effect.problems.length > 0 || effect.recordWrites.size > 0 || effect.recordDeletes.size > 0 || effect.metaWrites.size > 0 || effect.metaDeletes.size > 0) return false
  const keys = new Set([...effect.textCreates, ...effect.textInserts.keys(), ...effect.textDeletes.keys()])
  if (keys.size === 0) return false
  for (const key of keys) {
    const parsed = parseSharedTextKey(key)
    if (!parsed || !isDraftTextField(parsed.field)) return false
  }
  return true
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
