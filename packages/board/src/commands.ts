import { z } from 'zod'
import * as Y from 'yjs'
import { getIndexAbove, type IndexKey } from '@tldraw/utils'
import type { TLRecord, TLShape, TLShapeId } from '@tldraw/tlschema'
import { ZAspectRatio, ZShapeId, ZShotBrief, ZThreadSummary, type TThreadSummary } from '@montage/core'
import { getRecords, getThreads } from './doc'
import { ensureSharedTexts } from './texts'
import { seedBoard } from './seed-board'
import { validateRecord } from './schema'
import { defaultShotProps, defaultVariationProps, editSlot, SEQUENCE_SHAPE, SHOT_SHAPE, VARIATION_SHAPE, variationSlot, type TShotProps, type TVariationProps } from './shapes'
import { ZVariationPatch } from './variation-patch'
import { defaultReferenceProps, REFERENCE_INGEST_STATES, REFERENCE_SHAPE, type TReferenceProps } from './shapes'
import { forwardVariationPatch } from './forward-variation-patch'
import { nextVersion, rememberVersion, unnumberedBefore } from './version-numbers'

/** Fields of a reference (or plain media) shape that ingest sets once an upload's renditions exist. */
export const ZReferencePatch = z
  .object({
    assetSha256: z.string(),
    mimeType: z.string(),
    posterSha256: z.string(),
    stripSha256: z.string(),
    stripFrames: z.number().int().nonnegative(),
    proxySha256: z.string(),
    ingest: z.enum(REFERENCE_INGEST_STATES),
  })
  .partial()
  .strict()
export type TReferencePatch = z.infer<typeof ZReferencePatch>

/** A shot's brief as the API writes it (in @montage/core, which the OpenAPI document is built from). */
export { ZShotBrief, type TShotBrief } from '@montage/core'

/**
 * A change a server-side writer (a workflow, the API) asks the collab-server to make to a live
 * board. `id` makes it idempotent: JetStream drops a repeated id, and applying the same
 * upsert twice leaves the same record.
 */
export const ZBoardCommand = z.discriminatedUnion('type', [
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal('variation.upsert'),
    boardId: z.string().uuid(),
    variationId: ZShapeId,
    patch: ZVariationPatch,
  }),
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal('reference.upsert'),
    boardId: z.string().uuid(),
    /** The shape the uploader placed, if it said which; created at the origin when missing. */
    shapeId: ZShapeId.optional(),
    /** Every reference shape showing these bytes is patched too (the same file dropped twice). */
    assetSha256: z.string().regex(/^[a-f0-9]{64}$/),
    patch: ZReferencePatch,
  }),
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal('shot.ensure'),
    boardId: z.string().uuid(),
    /** Created when the board has no shape of this id; an existing one is left as it is. */
    shotId: ZShapeId,
    /** The card it goes beside (an upload, a sequence); right of everything when absent or gone. */
    besideShapeId: ZShapeId.optional(),
    title: z.string().min(1).max(200),
    aspectRatio: ZAspectRatio,
  }),
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal('thread.upsert'),
    boardId: z.string().uuid(),
    /** The whole summary; an older one arriving late is skipped by `updatedAt`. */
    thread: ZThreadSummary,
  }),
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal('shot.create'),
    boardId: z.string().uuid(),
    shotId: ZShapeId,
    brief: ZShotBrief,
  }),
])
export type TBoardCommand = z.infer<typeof ZBoardCommand>

/** The origin of transactions made by board commands, so bindings can tell them apart. */
export const BOARD_COMMAND_ORIGIN = 'montage:board-command'

/**
 * Where a new variation of a shot goes: the next free slot of its row (edits, which sit beside
 * their parent, do not take a slot), on the shot's page.
 */
function placeBeside(records: Map<string, { val: TLRecord }>, shot: TLShape | undefined): { x: number; y: number; w: number; h: number; parentId: TLShape['parentId']; index: IndexKey } {
  let top: IndexKey | undefined
  let count = 0
  let pageId: TLShape['parentId'] | undefined
  for (const { val } of records.values()) {
    if (val.typeName === 'shape') {
      if (!top || val.index > top) top = val.index
      const props = val.props as TVariationProps | null
      if (val.type === VARIATION_SHAPE && shot && props?.shotId === shot.id && !props.parentVariationId) count++
    } else if (val.typeName === 'page' && !pageId) {
      pageId = val.id as unknown as TLShape['parentId']
    }
  }
  const props = (shot?.props ?? {}) as { w?: number; aspectRatio?: string }
  const slot = variationSlot({ x: shot?.x ?? 0, y: shot?.y ?? 0, w: props.w ?? 0, aspectRatio: props.aspectRatio ?? '16:9' }, count)
  return { ...slot, parentId: shot?.parentId ?? pageId ?? ('page:page' as TLShape['parentId']), index: getIndexAbove(top) }
}

/**
 * Applies a command to a board document in one transaction. Unknown shots still get their
 * variation (placed at the origin) so that a result is never dropped.
 */
export function applyBoardCommand(doc: Y.Doc, command: TBoardCommand): TLRecord | TThreadSummary {
  if (command.type === 'reference.upsert') return applyReferenceUpsert(doc, command)
  if (command.type === 'thread.upsert') return applyThreadUpsert(doc, command.thread)
  if (command.type === 'shot.create') return applyShotCreate(doc, command)
  if (command.type === 'shot.ensure') return applyShotEnsure(doc, command)
  const kv = getRecords(doc)
  const id = command.variationId as TLShapeId
  const existing = kv.get(id) as TLShape | undefined
  let next: TLRecord
  if (existing) {
    if (existing.type !== VARIATION_SHAPE) throw new Error(`${id} is a ${existing.type}, not a variation`)
    // Defaults first: a variation stored before a prop existed (parentVariationId) still validates.
    const props = { ...defaultVariationProps(), ...existing.props } as TVariationProps
    // Commands may be redelivered out of order: the status only moves forward.
    next = { ...existing, props: { ...props, ...forwardVariationPatch(props.status, command.patch) } } as TLRecord
  } else {
    const found = command.patch.shotId ? (kv.get(command.patch.shotId) as TLShape | undefined) : undefined
    // A sequence's renders are its versions, placed beside it as a shot's variations are.
    const shot = found?.type === SHOT_SHAPE || found?.type === SEQUENCE_SHAPE ? found : undefined
    const place = placeBeside(kv.map, shot)
    const parent = command.patch.parentVariationId ? (kv.get(command.patch.parentVariationId) as TLShape | undefined) : undefined
    // An edit of a variation on this board sits beside it (and on its page), not at the end of the row.
    const at = parent?.type === VARIATION_SHAPE ? { ...editSlot(parent, place, shapesOf(kv.map)), parentId: parent.parentId } : place
    next = newShape({ id, type: VARIATION_SHAPE, x: at.x, y: at.y, index: place.index, parentId: at.parentId, props: { ...defaultVariationProps(), w: place.w, h: place.h, ...command.patch } })
  }
  const props = (next as TLShape).props as TVariationProps
  // Numbered once, by the first command that reaches it; a placeholder a person placed is unnumbered till then.
  const numbered = !props.version && props.shotId !== ''
  // The shot's placeholders placed before it are numbered first: a batch's v1 is its first slot,
  // whichever child's command arrives first.
  const earlier = numbered ? unnumberedBefore(doc, props.shotId, (next as TLShape).index, id) : []
  const first = numbered ? nextVersion(doc, props.shotId) : 0
  const valid = validateRecord(numbered ? ({ ...next, props: { ...props, version: first + earlier.length } } as TLRecord) : next)
  // A repeated or stale command that changes nothing writes nothing (no growth, no broadcast).
  if (existing && JSON.stringify(valid) === JSON.stringify(existing)) return existing
  doc.transact(() => {
    earlier.forEach((shape, i) => kv.set(shape.id, { ...shape, props: { ...shape.props, version: first + i } } as TLRecord))
    if (numbered) rememberVersion(doc, props.shotId, first + earlier.length)
    kv.set(id, valid)
  }, BOARD_COMMAND_ORIGIN)
  return valid
}

/** The board's shapes, as placing an edit reads them. */
function* shapesOf(records: Map<string, { val: TLRecord }>): Iterable<TLShape> {
  for (const { val } of records.values()) if (val.typeName === 'shape') yield val
}

/** A new, unrotated, unlocked shape record of one of our shape types, as a server writes it. */
function newShape(shape: { id: string; type: string; x: number; y: number; index: IndexKey; parentId: TLShape['parentId']; props: object }): TLRecord {
  return { ...shape, typeName: 'shape', rotation: 0, isLocked: false, opacity: 1, meta: {} } as TLRecord
}

/**
 * Patches the uploader's shape and every other reference shape showing the same bytes. Returns
 * the uploader's shape (or the first one patched); a command that matches nothing and names no
 * shape changes nothing.
 */
function applyReferenceUpsert(doc: Y.Doc, command: Extract<TBoardCommand, { type: 'reference.upsert' }>): TLRecord {
  const kv = getRecords(doc)
  const patch = { ...command.patch, assetSha256: command.assetSha256 }
  const next: TLRecord[] = []
  for (const val of kv.values()) {
    if (val.typeName !== 'shape' || val.type !== REFERENCE_SHAPE) continue
    const props = val.props as TReferenceProps
    if (val.id === command.shapeId || props.assetSha256 === command.assetSha256) next.push({ ...val, props: { ...props, ...patch } } as TLRecord)
  }
  if (command.shapeId && !next.some((r) => r.id === command.shapeId)) {
    const existing = kv.get(command.shapeId) as TLShape | undefined
    if (existing) throw new Error(`${command.shapeId} is a ${existing.type}, not a reference`)
    const place = placeBeside(kv.map, undefined)
    // Right of everything on the board, so it covers nothing the team arranged.
    let right = -48
    for (const val of kv.values()) {
      if (val.typeName === 'shape') right = Math.max(right, val.x + (((val.props as { w?: number }).w ?? 0) || 0))
    }
    next.unshift(newShape({ id: command.shapeId as TLShapeId, type: REFERENCE_SHAPE, x: right + 48, y: 0, index: place.index, parentId: place.parentId, props: { ...defaultReferenceProps(), ...patch } }))
  }
  const valid = next.map((r) => validateRecord(r))
  if (valid.length > 0) doc.transact(() => valid.forEach((r) => kv.set(r.id, r)), BOARD_COMMAND_ORIGIN)
  return valid.find((r) => r.id === command.shapeId) ?? valid[0] ?? ({ id: command.shapeId ?? '', typeName: 'shape' } as unknown as TLRecord)
}

/** Where a shot made by the server goes: its own size, right of the card it belongs to, at the card's top. */
export const EDITS_SHOT_SIZE = { w: 360, h: 424 } as const

/**
 * Makes the shot an edit of something that has no shot (an upload, a library reference, a rendered
 * sequence) is placed in, unless the board already has it: its variations then stack beside it like
 * any shot's. Repeating the command changes nothing.
 */
function applyShotEnsure(doc: Y.Doc, command: Extract<TBoardCommand, { type: 'shot.ensure' }>): TLRecord {
  const kv = getRecords(doc)
  const existing = kv.get(command.shotId)
  if (existing) return existing
  const found = command.besideShapeId ? kv.get(command.besideShapeId) : undefined
  // Only a card on a page: a child's coordinates are its parent's (a clip inside a sequence).
  const beside = found?.typeName === 'shape' && String(found.parentId).startsWith('page:') ? found : undefined
  const place = placeBeside(kv.map, undefined)
  let at: { x: number; y: number }
  if (beside) {
    at = { x: beside.x + (((beside.props as { w?: number }).w ?? 0) || 0) + 48, y: beside.y }
  } else {
    let right = -48
    for (const val of kv.values()) {
      if (val.typeName === 'shape') right = Math.max(right, val.x + (((val.props as { w?: number }).w ?? 0) || 0))
    }
    at = { x: right + 48, y: 0 }
  }
  const props: TShotProps = {
    ...EDITS_SHOT_SIZE,
    title: command.title,
    prompt: '',
    model: 'previz',
    duration: 4,
    aspectRatio: command.aspectRatio,
    cameraMove: 'push_in',
    referenceIds: [],
  }
  const valid = validateRecord(newShape({ id: command.shotId, type: SHOT_SHAPE, ...at, index: place.index, parentId: beside?.parentId ?? place.parentId, props }))
  doc.transact(() => {
    kv.set(command.shotId, valid)
    ensureSharedTexts(doc, valid as never)
  }, BOARD_COMMAND_ORIGIN)
  return valid
}

/** Writes a thread's summary unless the board already holds a newer one (commands may arrive out of order). */
function applyThreadUpsert(doc: Y.Doc, thread: TThreadSummary): TThreadSummary {
  const threads = getThreads(doc)
  const current = threads.get(thread.id)
  if (current && current.updatedAt > thread.updatedAt) return current
  doc.transact(() => threads.set(thread.id, thread), BOARD_COMMAND_ORIGIN)
  return thread
}

/**
 * Places a new shot below everything on the board's first page (a board nobody has opened yet
 * is seeded first, as its first browser would). The shot id makes it idempotent: a shot that
 * already exists is left as it is.
 */
function applyShotCreate(doc: Y.Doc, command: Extract<TBoardCommand, { type: 'shot.create' }>): TLRecord {
  const kv = getRecords(doc)
  const existing = kv.get(command.shotId) as TLShape | undefined
  if (existing) {
    if (existing.type !== SHOT_SHAPE) throw new Error(`${command.shotId} is a ${existing.type}, not a shot`)
    return existing
  }
  return doc.transact(() => {
    if (kv.map.size === 0) seedBoard(doc)
    const place = placeBeside(kv.map, undefined)
    let bottom = -80
    for (const val of kv.values()) {
      if (val.typeName === 'shape' && val.parentId === place.parentId) bottom = Math.max(bottom, val.y + (((val.props as { h?: number }).h ?? 0) || 0))
    }
    const shot = validateRecord(newShape({ id: command.shotId, type: SHOT_SHAPE, x: 0, y: bottom + 80, index: place.index, parentId: place.parentId, props: { ...defaultShotProps(), ...command.brief } }))
    kv.set(shot.id, shot)
    ensureSharedTexts(doc, shot as never)
    return shot
  }, BOARD_COMMAND_ORIGIN)
}
