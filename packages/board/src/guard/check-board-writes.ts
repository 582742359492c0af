import type { TLBinding, TLRecord, TLShape } from '@tldraw/tlschema'
import { validateRecord } from '../schema'
import type { BoardRelations } from './BoardRelations'
import { defaultVariationProps, VARIATION_SERVER_PROPS, VARIATION_SHAPE, type TVariationProps, type TVariationServerProps } from '../shapes'
import { checkSequenceWrite } from './check-sequence-writes'

/** Record types a board document holds; the rest of tldraw's records are per session or per person. */
const DOCUMENT_TYPES = new Set(['document', 'page', 'shape', 'binding', 'asset'])
/** Deeper nesting than this is a cycle or an attack; tldraw's own groups and frames stay far below it. */
const MAX_DEPTH = 64

export interface TBoardWriteLimits {
  /** Records one board may hold. */
  maxRecords: number
  /** Size of one record as JSON, in bytes. */
  maxRecordBytes: number
}

/** A collab-server's limits unless it is configured otherwise; the canvas checks against these too. */
export const DEFAULT_BOARD_WRITE_LIMITS: TBoardWriteLimits = {
  // Ten times the big agency boards we measure (10k shapes); a board past it refuses new records.
  maxRecords: 100_000,
  // A long freehand stroke is ~200 KB; a prompt or a shape's meta never comes near.
  maxRecordBytes: 512 * 1024,
}

/** What the board holds before the writes. */
export interface TBoardView {
  get(id: string): TLRecord | undefined
  values(): Iterable<TLRecord>
  readonly size: number
}

/** One writer's changes to a board's records: each key's new value, and the keys it deletes. */
export interface TRecordWrites {
  written: Map<string, unknown>
  /** Keys deleted and not written again. */
  deleted: Set<string>
}

export interface CheckBoardWritesOptions {
  before: TBoardView
  /** Who refers to whom in `before`. */
  relations: Pick<BoardRelations, 'childrenOf' | 'bindingsOf' | 'approvedOf' | 'pages'>
  writes: TRecordWrites
  limits: TBoardWriteLimits
  /**
   * The server-written props a variation had when it was deleted, if the board remembers: a
   * person may put it back exactly as it was (undo), never with other results.
   */
  deletedVariation?: (id: string) => TVariationServerProps | undefined
  /**
   * At least the JSON length of every written record, when the caller knows one (the board's guard
   * derives it from the update's bytes, `jsonLengthBound`); at or under the limit, no record is
   * measured on its own.
   */
  jsonLengthAtMost?: number
}

/**
 * At least the JSON length of any value Yjs read from `bytes` of an update (lib0's `writeAny`
 * encoding, what a record is stored as). The costliest kind per encoded byte is a byte array, which
 * JSON writes as an object of its indices (`"1234":255,`: the index's digits and seven more per
 * byte); anything else takes at most six characters a byte (a `false` in an array: `false,`). A
 * record sent as JSON text grows at most about five times when parsed and written back (`1e20,`
 * becomes `100000000000000000000,`).
 */
export function jsonLengthBound(bytes: number): number {
  return bytes * (String(bytes).length + 7) + 2
}

/**
 * The write policy of a board for the people on it (reviewers write nothing at all; the server
 * writes through board commands and is not checked here). Every written record must be a valid
 * document record of our schema; people write layout, briefs and text, while a variation's
 * results, provenance, cost and review state are the server's; an approved variation stays where
 * it is and keeps its shot; nothing is left without its parent, page, or binding target; a
 * sequence's clips and sounds sit in a sequence, and a sequence for delivery takes approved clips only.
 * Returns the first problem as a sentence, or null when the writes may count.
 */
export function checkBoardWrites({ before, relations, writes, limits, deletedVariation, jsonLengthAtMost }: CheckBoardWritesOptions): string | null {
  const written = new Map<string, TLRecord>()
  const measure = jsonLengthAtMost === undefined || jsonLengthAtMost > limits.maxRecordBytes
  for (const [id, value] of writes.written) {
    const size = measure ? jsonSize(value) : 0
    if (size > limits.maxRecordBytes) return `${id} is ${Math.ceil(size / 1024)} KB; a record may hold at most ${Math.floor(limits.maxRecordBytes / 1024)} KB.`
    const prev = before.get(id)
    let record: TLRecord
    try {
      // Against the record it replaces, only what changed is validated again (tldraw's known-good path).
      record = validateRecord(value as TLRecord, prev && sameKind(prev, value) ? prev : undefined)
    } catch (e) {
      return `${id} is not a valid board record: ${e instanceof Error ? e.message : String(e)}`
    }
    if (record.id !== id) return `${id} holds a record whose id is ${String(record.id)}.`
    if (!DOCUMENT_TYPES.has(record.typeName)) return `${id}: ${record.typeName} records are not part of the board document.`
    if (prev && kindOf(prev) !== kindOf(record)) return `${id}: a ${kindOf(prev)} cannot become a ${kindOf(record)}.`
    if (isVariation(record)) {
      const problem = checkVariationWrite(id, prev as TLShape | undefined, record, deletedVariation)
      if (problem) return problem
    }
    written.set(id, record)
  }

  for (const id of writes.deleted) {
    const prev = before.get(id)
    if (!prev) continue
    if (prev.typeName === 'document') return 'The board document itself cannot be deleted.'
    if (isVariation(prev) && reviewStateOf(prev) === 'approved') return `${id} is approved and cannot be deleted; a producer must revoke the approval first.`
  }

  const after = (id: string): TLRecord | undefined => written.get(id) ?? (writes.deleted.has(id) ? undefined : before.get(id))
  let added = 0
  for (const id of written.keys()) if (!before.get(id)) added++
  let removed = 0
  for (const id of writes.deleted) if (before.get(id)) removed++
  const count = before.size + added - removed
  if (added > 0 && count > limits.maxRecords) return `This board would hold ${count} records; a board may hold at most ${limits.maxRecords}.`

  for (const record of written.values()) {
    if (record.typeName === 'shape') {
      const problem = checkAncestry(record as TLShape, after) ?? checkSequenceWrite(record as TLShape, before.get(record.id) as TLShape | undefined, after)
      if (problem) return problem
    } else if (record.typeName === 'binding') {
      const binding = record as TLBinding
      for (const end of [binding.fromId, binding.toId]) {
        if (after(end)?.typeName !== 'shape') return `${binding.id} binds ${end}, which is not a shape on this board.`
      }
    }
  }

  // Deletions that would strand what stays: children, bindings, an approved variation's shot, the last page.
  let pagesGone = 0
  for (const id of writes.deleted) {
    const prev = before.get(id)
    if (prev?.typeName === 'page') pagesGone++
    if (prev?.typeName !== 'shape' && prev?.typeName !== 'page') continue
    for (const childId of relations.childrenOf(id)) {
      if ((after(childId) as TLShape | undefined)?.parentId === id) return `Deleting ${id} would leave ${childId} without its parent.`
    }
    for (const bindingId of relations.bindingsOf(id)) {
      const binding = after(bindingId) as TLBinding | undefined
      if (binding && (binding.fromId === id || binding.toId === id)) return `Deleting ${id} would leave ${bindingId} bound to nothing.`
    }
    for (const variationId of relations.approvedOf(id)) {
      const variation = after(variationId) as TLShape | undefined
      if (variation && variationProps(variation).shotId === id) return `${id} holds approved ${variationId} and cannot be deleted; a producer must revoke the approval first.`
    }
  }
  if (pagesGone > 0) {
    let pagesAdded = 0
    for (const [id, record] of written) if (record.typeName === 'page' && !before.get(id)) pagesAdded++
    if (relations.pages - pagesGone + pagesAdded <= 0) return 'A board keeps at least one page.'
  }
  return null
}

/**
 * A person may create a variation only as a queued placeholder in a shot (its results come from
 * the server), or put one back exactly as it was when deleted; afterwards they may move, resize
 * and lock it, never change what the server wrote. An approved one stays on its page or group.
 */
function checkVariationWrite(id: string, prev: TLShape | undefined, next: TLShape, deletedVariation: CheckBoardWritesOptions['deletedVariation']): string | null {
  const nextProps = variationProps(next)
  if (!prev) {
    const expected: TVariationServerProps = deletedVariation?.(id) ?? { ...serverProps(defaultVariationProps()), shotId: nextProps.shotId }
    for (const key of VARIATION_SERVER_PROPS) {
      if (!sameJson(nextProps[key], expected[key])) return `${id}: a new variation starts queued and empty; its ${key} is written by the server.`
    }
    return null
  }
  const prevProps = variationProps(prev)
  for (const key of VARIATION_SERVER_PROPS) {
    if (!sameJson(prevProps[key], nextProps[key])) return `${id}: a variation's ${key} is written by the server only.`
  }
  if (prevProps.reviewState === 'approved' && prev.parentId !== next.parentId) return `${id} is approved and stays where it was approved; a producer must revoke the approval first.`
  return null
}

/** A written shape must hang, through shapes, from a page that exists after the writes. */
function checkAncestry(shape: TLShape, after: (id: string) => TLRecord | undefined): string | null {
  let parentId: string = shape.parentId
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const parent = after(parentId)
    if (!parent) return `${shape.id} is placed in ${parentId}, which is not on this board.`
    if (parent.typeName === 'page') return null
    if (parent.typeName !== 'shape') return `${shape.id} is placed in ${parentId}, which is a ${parent.typeName}, not a page or shape.`
    if (parent.id === shape.id) return `${shape.id} is placed inside itself.`
    parentId = (parent as TLShape).parentId
  }
  return `${shape.id} is nested more than ${MAX_DEPTH} levels deep (or in a cycle).`
}

/** Props as the current schema reads them: a record stored before a prop existed gets its default. */
export function variationProps(shape: TLShape): TVariationProps {
  return { ...defaultVariationProps(), ...(shape.props as Partial<TVariationProps>) }
}

/** The props of a variation only the server writes. */
export function serverProps(props: TVariationProps): TVariationServerProps {
  return Object.fromEntries(VARIATION_SERVER_PROPS.map((key) => [key, props[key]])) as TVariationServerProps
}

function isVariation(record: TLRecord): record is TLShape {
  return record.typeName === 'shape' && (record as TLShape).type === VARIATION_SHAPE
}

function reviewStateOf(shape: TLShape): unknown {
  return (shape.props as { reviewState?: unknown } | undefined)?.reviewState
}

function sameKind(prev: TLRecord, next: unknown): boolean {
  const n = next as { typeName?: unknown; type?: unknown } | null
  return typeof n === 'object' && n !== null && n.typeName === prev.typeName && n.type === (prev as { type?: unknown }).type
}

function kindOf(record: TLRecord): string {
  return record.typeName === 'shape' ? `${(record as TLShape).type} shape` : record.typeName
}

/** Values here are JSON from a Yjs document: compare them as JSON. */
function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b)
}

function jsonSize(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0
  } catch {
    return Infinity
  }
}
