'use client'

import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { TLRecord } from 'tldraw'
import { getTexts, isDraftTextField, parseSharedTextKey, sharedTextKey, sharedTextPropValue, type BoardRecords, type BoardWriteGuard } from '@montage/board/client'

/** How long the canvas waits after someone else's typing before it writes the merged text into the record. */
const REMOTE_SETTLE_MS = 250

/** Where a person's caret is in a shared text, as awareness carries it (relative positions survive edits). */
export interface TTextCaret {
  key: string
  anchor: unknown
  head: unknown
}

/** Another person's caret in one field, as an index range of the text now. */
export interface TPeerCaret {
  clientId: number
  name: string
  color: string
  anchor: number
  head: number
}

/**
 * The board's shared texts as the canvas uses them: text fields bound to inputs edit a Y.Text each
 * (so that people typing at once merge), and the shape record's prop is kept equal to the text, in
 * the same transaction for this person's typing and shortly after a merge of someone else's (by
 * whoever sees the record lag behind; all write the same value).
 */
export class SharedTexts {
  readonly texts: Y.Map<Y.Text>
  /** Transaction origins of this person's inputs: their record prop is written with the text. */
  private readonly inputOrigins = new WeakSet<object>()
  /** Undo managers of this person's inputs: an undo is written into the record at once. */
  private readonly undoOrigins = new WeakSet<object>()
  private readonly lagging = new Set<string>()
  private timer: ReturnType<typeof setTimeout> | null = null
  private destroyed = false

  constructor(
    readonly doc: Y.Doc,
    private readonly records: BoardRecords<TLRecord>,
    private readonly guard: BoardWriteGuard,
    readonly awareness: Awareness,
    readonly canWrite: boolean,
    /** May write comment drafts (a reviewer comments but does not edit). */
    readonly canComment: boolean = canWrite,
  ) {
    this.texts = getTexts(doc)
    this.texts.observeDeep(this.onTexts)
  }

  destroy(): void {
    this.destroyed = true
    this.texts.unobserveDeep(this.onTexts)
    if (this.timer) clearTimeout(this.timer)
  }

  /** Whether this person may write a field: every shared text with `canWrite`, comment drafts with `canComment`. */
  mayWrite(field: string): boolean {
    return this.canWrite || (this.canComment && isDraftTextField(field))
  }

  get(shapeId: string, field: string): Y.Text | undefined {
    const text = this.texts.get(sharedTextKey(shapeId, field))
    return text instanceof Y.Text ? text : undefined
  }

  /** A new origin for one input: its edits, and what its undo manager tracks. */
  inputOrigin(): object {
    const origin = {}
    this.inputOrigins.add(origin)
    return origin
  }

  undoManagerFor(text: Y.Text, origin: object): Y.UndoManager {
    const undo = new Y.UndoManager(text, { trackedOrigins: new Set([origin]), captureTimeout: 600 })
    this.undoOrigins.add(undo)
    return undo
  }

  /**
   * This person's edit of a field: the text changed and the prop written, in one transaction. False
   * when nothing could be written (no such shape, a reviewer) or the field has no text here yet: the
   * collab-server makes the texts of a board stored before them when it loads it, and this copy has
   * not heard from it (the input then writes the prop). No text is made here: two people making one
   * field's text at once would each keep typing into a text of which Yjs keeps only one.
   */
  edit(shapeId: string, field: string, origin: object, change: (text: Y.Text) => void): boolean {
    if (!this.mayWrite(field) || this.destroyed) return false
    const record = this.records.get(shapeId)
    const text = this.get(shapeId, field)
    if (!record || record.typeName !== 'shape' || !text) return false
    this.doc.transact(() => {
      change(text)
      this.writeProp(shapeId, field)
    }, origin)
    return true
  }

  /** Publishes where this person's caret is (null when not in a shared field). */
  setCaret(caret: { shapeId: string; field: string; text: Y.Text; anchor: number; head: number } | null): void {
    if (this.destroyed) return
    const value: TTextCaret | null = caret
      ? {
          key: sharedTextKey(caret.shapeId, caret.field),
          anchor: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(caret.text, caret.anchor)),
          head: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(caret.text, caret.head)),
        }
      : null
    this.awareness.setLocalStateField('textCaret', value)
  }

  /** Other people's carets in one field now. */
  caretsIn(shapeId: string, field: string): TPeerCaret[] {
    const key = sharedTextKey(shapeId, field)
    const text = this.get(shapeId, field)
    if (!text) return []
    const out: TPeerCaret[] = []
    this.awareness.getStates().forEach((state, clientId) => {
      if (clientId === this.doc.clientID) return
      const caret = (state as { textCaret?: TTextCaret | null }).textCaret
      const user = (state as { user?: { name?: unknown; color?: unknown } }).user
      if (!caret || caret.key !== key || !user) return
      const anchor = this.indexOf(caret.anchor, text)
      const head = this.indexOf(caret.head, text)
      if (anchor === null || head === null) return
      out.push({ clientId, name: String(user.name ?? ''), color: String(user.color ?? '#8b93a7'), anchor, head })
    })
    return out
  }

  private indexOf(json: unknown, text: Y.Text): number | null {
    try {
      const abs = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), this.doc)
      return abs && abs.type === text ? Math.min(abs.index, text.length) : null
    } catch {
      return null
    }
  }

  /**
   * Writes the text into the record's prop when they differ (inside the caller's transaction, or its
   * own): as it is, or as the tag it stands for; a comment draft has no prop.
   */
  private writeProp(shapeId: string, field: string): void {
    const text = this.get(shapeId, field)
    const record = this.records.get(shapeId) as (TLRecord & { type?: unknown; props?: Record<string, unknown> }) | undefined
    if (!text || !record || record.typeName !== 'shape' || !record.props) return
    const value = sharedTextPropValue(record.type, field, text.toString())
    if (value === null || record.props[field] === value) return
    const next = { ...record, props: { ...record.props, [field]: value } } as TLRecord
    const problem = this.guard.checkWrites({ written: new Map([[shapeId, next]]), deleted: new Set() })
    if (problem) {
      console.warn(`[montage] the ${field} of ${shapeId} was not written into its card: ${problem}`)
      return
    }
    this.records.set(shapeId, next)
  }

  private readonly onTexts = (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction): void => {
    const origin = transaction.origin as object | null
    if (origin && this.inputOrigins.has(origin)) return
    for (const event of events) {
      if (event.target instanceof Y.Text && event.target._item?.parentSub) this.lagging.add(event.target._item.parentSub)
      else if (event.target === this.texts) for (const key of (event as Y.YMapEvent<Y.Text>).keysChanged) this.lagging.add(key)
    }
    if (this.lagging.size === 0 || !this.canWrite) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(this.settle, origin && this.undoOrigins.has(origin) ? 0 : REMOTE_SETTLE_MS)
  }

  private readonly settle = (): void => {
    this.timer = null
    if (this.destroyed) return
    const keys = [...this.lagging]
    this.lagging.clear()
    this.doc.transact(() => {
      for (const key of keys) {
        const parsed = parseSharedTextKey(key)
        if (parsed) this.writeProp(parsed.shapeId, parsed.field)
      }
    }, this)
  }
}
