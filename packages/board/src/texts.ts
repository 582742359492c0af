import * as Y from 'yjs'
import { COMMENT_BODY_MAX } from '@montage/core'
import { SHOT_SHAPE } from './shapes/shot'
import { REFERENCE_SHAPE, REFERENCE_TAG_MAX, referenceTagOf } from './shapes/reference'
import { VARIATION_SHAPE } from './shapes/variation'
import { rewriteText } from './text-diff'

/**
 * Text fields people edit together live as Y.Text in the root map `texts`, one per shape field,
 * keyed `${shapeId}/${field}`, so that two people typing in one prompt merge character by character.
 * The record's string prop is kept equal to its text by the canvas (every other reader reads the
 * prop). A field without a text yet (boards made before texts, shapes made by the API) reads its
 * prop; its text is made from the prop when the shape is made on the canvas (in the same
 * transaction), or by the collab-server when it opens the board or sees the shape arrive without
 * them (`reconcileSharedTexts`). A checkpoint restore writes props, then their texts
 * (`resetSharedTexts`).
 */
export const TEXTS_MAP = 'texts'

/** The comment being written on a variation, shared by everyone who has its viewer open. */
export const COMMENT_DRAFT_FIELD = 'commentDraft'

/**
 * How a shared text relates to its shape's record:
 * - `prop`: the record's string prop of the same name is the text (a shot's prompt and title);
 * - `tag`: the record's prop is the text made a valid reference tag (`referenceTagOf`): a merge of two
 *   people's typing may run past 32 characters, and the prop keeps the first 32. The text itself holds
 *   tag characters only: the inputs type nothing else and the guard refuses anything else;
 * - `draft`: no prop at all (a comment being written on a variation): the text is the only copy,
 *   and posting the comment empties it.
 */
export type TSharedTextKind = 'prop' | 'tag' | 'draft'

export interface TSharedTextField {
  /** The most characters one person's input takes (the guard allows twice that after a merge). */
  max: number
  kind: TSharedTextKind
}

/** The fields edited as shared text, by shape type. */
export const SHARED_TEXT_FIELDS: Readonly<Record<string, Readonly<Record<string, TSharedTextField>>>> = {
  // The title's 200 is what the API's `shot.ensure` may write; the card's input takes 80.
  [SHOT_SHAPE]: { prompt: { max: 4000, kind: 'prop' }, title: { max: 200, kind: 'prop' } },
  [REFERENCE_SHAPE]: { tag: { max: REFERENCE_TAG_MAX, kind: 'tag' } },
  [VARIATION_SHAPE]: { [COMMENT_DRAFT_FIELD]: { max: COMMENT_BODY_MAX, kind: 'draft' } },
}

/**
 * The most characters one text may hold after a merge: each writer stays under the field's limit,
 * and two people filling one field at once may together go past it; the guard allows twice.
 */
export function sharedTextHardLimit(max: number): number {
  return max * 2
}

export function getTexts(doc: Y.Doc): Y.Map<Y.Text> {
  return doc.getMap<Y.Text>(TEXTS_MAP)
}

export function sharedTextKey(shapeId: string, field: string): string {
  return `${shapeId}/${field}`
}

/** The shape id and field a `texts` key names, or null for a key that is not of that form. */
export function parseSharedTextKey(key: string): { shapeId: string; field: string } | null {
  const slash = key.lastIndexOf('/')
  if (slash <= 0 || slash === key.length - 1) return null
  const shapeId = key.slice(0, slash)
  if (!shapeId.startsWith('shape:')) return null
  return { shapeId, field: key.slice(slash + 1) }
}

/** A field of a shape type edited as shared text, or null when that field is not. */
export function sharedTextField(shapeType: unknown, field: string): TSharedTextField | null {
  if (typeof shapeType !== 'string' || !Object.hasOwn(SHARED_TEXT_FIELDS, shapeType)) return null
  const fields = SHARED_TEXT_FIELDS[shapeType]!
  return Object.hasOwn(fields, field) ? fields[field]! : null
}

/** The limit of a field of a shape type, or null when that field is not edited as shared text. */
export function sharedTextLimit(shapeType: unknown, field: string): number | null {
  return sharedTextField(shapeType, field)?.max ?? null
}

/** The limit of a field name in any shape type that edits it as shared text, or null. */
export function sharedTextFieldLimit(field: string): number | null {
  let max: number | null = null
  for (const fields of Object.values(SHARED_TEXT_FIELDS)) if (Object.hasOwn(fields, field)) max = Math.max(max ?? 0, fields[field]!.max)
  return max
}

/** Whether a field name is a shared text of this kind in any shape type. */
function isFieldOfKind(field: string, kind: TSharedTextKind): boolean {
  return Object.values(SHARED_TEXT_FIELDS).some((fields) => Object.hasOwn(fields, field) && fields[field]!.kind === kind)
}

/** Whether a field name is a comment draft in any shape type (written by anyone who may comment). */
export function isDraftTextField(field: string): boolean {
  return isFieldOfKind(field, 'draft')
}

/** Whether a field name is a tag's text in any shape type (its text holds tag characters only). */
export function isTagTextField(field: string): boolean {
  return isFieldOfKind(field, 'tag')
}

/**
 * The value the record's prop holds for a text: the text itself, the tag it stands for, or null for
 * a text that is no prop (a comment draft) or a field that is not shared.
 */
export function sharedTextPropValue(shapeType: unknown, field: string, text: string): string | null {
  const kind = sharedTextField(shapeType, field)?.kind
  if (kind === 'prop') return text
  if (kind === 'tag') return referenceTagOf(text)
  return null
}

/**
 * Makes the missing texts of a shape from its props (inside the caller's transaction; a draft starts
 * empty). Returns how many were made. Used where a shape is made and where an old board is opened.
 */
export function ensureSharedTexts(doc: Y.Doc, shape: { id: string; type?: unknown; props?: unknown }): number {
  if (typeof shape.type !== 'string' || !Object.hasOwn(SHARED_TEXT_FIELDS, shape.type)) return 0
  const props = (typeof shape.props === 'object' && shape.props !== null ? shape.props : {}) as Record<string, unknown>
  const texts = getTexts(doc)
  let made = 0
  for (const field of Object.keys(SHARED_TEXT_FIELDS[shape.type]!)) {
    const key = sharedTextKey(shape.id, field)
    if (texts.has(key)) continue
    const value = SHARED_TEXT_FIELDS[shape.type]![field]!.kind === 'draft' ? undefined : props[field]
    texts.set(key, new Y.Text(typeof value === 'string' ? value : ''))
    made++
  }
  return made
}

/**
 * Makes the existing texts of a shape say what its props say (inside the caller's transaction): a
 * checkpoint restore writes the record, and a text left as it was would be written back into the
 * prop by the next keystroke. Only what differs is replaced (`rewriteText`), so carets elsewhere keep
 * their place. Returns how many texts changed.
 */
export function resetSharedTexts(doc: Y.Doc, shape: { id: string; type?: unknown; props?: unknown }): number {
  if (typeof shape.type !== 'string' || !Object.hasOwn(SHARED_TEXT_FIELDS, shape.type)) return 0
  const props = (typeof shape.props === 'object' && shape.props !== null ? shape.props : {}) as Record<string, unknown>
  const texts = getTexts(doc)
  let changed = 0
  for (const [field, { kind }] of Object.entries(SHARED_TEXT_FIELDS[shape.type]!)) {
    // A draft belongs to nobody's record: a restore leaves what people are writing alone.
    if (kind === 'draft') continue
    const text = texts.get(sharedTextKey(shape.id, field))
    const want = typeof props[field] === 'string' ? (props[field] as string) : ''
    const have = text?.toString()
    if (!text || have === undefined || sharedTextPropValue(shape.type, field, have) === want) continue
    // No caret to place it by: the one edit goes wherever the difference is.
    if (rewriteText(text, want, 0)) changed++
  }
  return changed
}

/** A shape as reconciling texts reads it. */
type TTextShape = { id: string; typeName?: unknown; type?: unknown; props?: unknown }

/**
 * Brings the board's texts in line with its shapes, in one transaction under `origin` (none when
 * there is nothing to do): each of `shapes` with text fields gets the texts it lacks, made from its
 * props (a board stored before texts, a shape a client made without them), and the texts of shapes
 * that are gone are removed: of `gone` when given, else of every shape `isLive` denies. Only the
 * collab-server calls this: were two writers to make one field's text at once, Yjs would keep one
 * and drop what was typed into the other, so a browser makes only the texts of a shape it makes,
 * in the same transaction as the shape (nobody else can know that shape yet).
 */
export function reconcileSharedTexts(doc: Y.Doc, opts: { shapes: Iterable<TTextShape>; isLive: (shapeId: string) => boolean; gone?: ReadonlySet<string>; origin: unknown }): { made: number; removed: number } {
  const texts = getTexts(doc)
  const missing: TTextShape[] = []
  for (const shape of opts.shapes) {
    if (shape.typeName !== 'shape' || typeof shape.type !== 'string' || !Object.hasOwn(SHARED_TEXT_FIELDS, shape.type)) continue
    if (Object.keys(SHARED_TEXT_FIELDS[shape.type]!).some((field) => !texts.has(sharedTextKey(shape.id, field)))) missing.push(shape)
  }
  const orphans: string[] = []
  if (!opts.gone || opts.gone.size > 0) {
    for (const key of texts.keys()) {
      const parsed = parseSharedTextKey(key)
      if (parsed && (opts.gone ? opts.gone.has(parsed.shapeId) : true) && !opts.isLive(parsed.shapeId)) orphans.push(key)
    }
  }
  let made = 0
  if (missing.length > 0 || orphans.length > 0) {
    doc.transact(() => {
      for (const shape of missing) made += ensureSharedTexts(doc, shape)
      for (const key of orphans) texts.delete(key)
    }, opts.origin)
  }
  return { made, removed: orphans.length }
}
