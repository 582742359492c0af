import * as Y from 'yjs'
import type { TLRecord } from '@tldraw/tlschema'
import { isPlainObject } from './is-plain-object'

/**
 * One element of the records array as stored: a record under its id. `val` is the record's JSON
 * text as UTF-8 bytes, so a copy that receives a board reads one byte array per record (where it
 * read every field and nested value one by one), and Yjs writes it again with one copy: as a
 * string, lib0 wrote it back byte by byte each time the update event re-encoded a received board
 * (a profile of a first load of 10,000 shapes: 121 ms of that encode as text, 39 as bytes; the
 * bytes take one `TextDecoder` call per record more to read). Boards written before hold
 * `val` as JSON text or as a plain object; those elements are read alike and take the new form
 * when their record is next written.
 */
export interface TStoredRecordEntry {
  key: string
  val: Uint8Array | string | object
}

/** A record under its id, as the view hands it out, with the array element that holds it. */
export interface TRecordEntry<T = TLRecord> {
  readonly key: string
  readonly val: T
  readonly element: TStoredRecordEntry
}

/** What a transaction did to one key, as Y.Map reports its keys (with the new value added). */
export type TRecordChange<T = TLRecord> =
  | { action: 'add'; newValue: T }
  | { action: 'update'; oldValue: T; newValue: T }
  | { action: 'delete'; oldValue: T }

export type TRecordChangeListener<T = TLRecord> = (changes: Map<string, TRecordChange<T>>, transaction: Y.Transaction) => void

/** Each element's entry, read once: the server's guard reads it on arrival, the view takes it from here. `null`: malformed. */
const readEntries = new WeakMap<object, TRecordEntry<object> | null>()

/**
 * The entry an element of the records array holds, or undefined when it is not a well-formed
 * entry: not an object `{ key, val }` with a string key and, as `val`, the UTF-8 bytes of an
 * object's JSON text or (boards written before) that text or the object itself. Such elements (a
 * `null` pushed by a broken or hostile client before the server checked updates, a bare string,
 * bytes that are not UTF-8) are skipped, never thrown on: a board holding one still loads. An
 * element is parsed once however often it is read.
 */
export function readRecordEntry(value: unknown): TRecordEntry<object> | undefined {
  if (!isPlainObject(value)) return undefined
  const known = readEntries.get(value)
  if (known !== undefined) return known ?? undefined
  const entry = parseEntry(value as { key?: unknown; val?: unknown })
  readEntries.set(value, entry)
  return entry ?? undefined
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
const toUtf8 = new TextEncoder()

function parseEntry(element: { key?: unknown; val?: unknown }): TRecordEntry<object> | null {
  const { key, val } = element
  if (typeof key !== 'string') return null
  let text: string
  if (val instanceof Uint8Array) {
    try {
      text = utf8.decode(val)
    } catch {
      return null
    }
  } else if (typeof val === 'string') text = val
  else if (isPlainObject(val)) return { key, val, element: element as TStoredRecordEntry }
  else return null
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return null
  }
  return isPlainObject(parsed) ? { key, val: parsed, element: element as TStoredRecordEntry } : null
}

/**
 * Gives an element's bytes an array of their own when the message around them is large. Yjs reads
 * a byte array as a view into the message that brought it, so a small record would keep a whole
 * large message alive for as long as it lives: one member could make every copy hold far more
 * than the board (write a large record beside a small one, delete the large one, again and again).
 * A message not much larger than the record (`KEEP_VIEW_OVER`: an edit of one record, the common
 * case) is kept as it is, without a copy per edit. A board's first load keeps its views: those
 * share one array, the board itself.
 */
function ownBytes(element: TStoredRecordEntry): void {
  const val = element.val
  if (val instanceof Uint8Array && val.buffer.byteLength > Math.max(2 * val.byteLength, val.byteLength + KEEP_VIEW_OVER)) element.val = val.slice()
}

/** Bytes of message around a record that a view of it may keep (or as many as the record's own, when more). */
const KEEP_VIEW_OVER = 512

/**
 * A key-value view of the board's `Y.Array('records')` of `{ key, val }` entries, the layout
 * y-utility's YKeyValue introduced (`val` stored as JSON bytes, see `TStoredRecordEntry`): writing a
 * key appends an entry and deletes the old one, so repeated writes do not grow the document as a
 * Y.Map's history would. When two writers set one key at once, the entry furthest right wins and
 * every copy deletes the others: the same rule as YKeyValue, so documents written by either
 * converge.
 *
 * Unlike YKeyValue, a transaction costs what it changed, not the whole array: the observer reads
 * the structs the transaction added and deleted from the transaction itself (YKeyValue copied the
 * array and walked it on every change, ~120 µs per update on a 5,000-record board), and falls back
 * to a scan only for keys that two live entries claim. Malformed elements are skipped.
 */
export class BoardRecords<T extends object = TLRecord> {
  readonly doc: Y.Doc
  /** The live entry of each key (its `element` tells which array element is the key's current one). */
  readonly map = new Map<string, TRecordEntry<T>>()
  private readonly listeners = new Set<TRecordChangeListener<T>>()

  constructor(readonly yarray: Y.Array<TStoredRecordEntry>) {
    if (!yarray.doc) throw new Error('BoardRecords needs an array that belongs to a document')
    this.doc = yarray.doc
    const all = yarray.toArray()
    const duplicates: number[] = []
    for (let i = all.length - 1; i >= 0; i--) {
      const entry = readRecordEntry(all[i]) as TRecordEntry<T> | undefined
      if (!entry) continue
      if (this.map.has(entry.key)) duplicates.push(i)
      else this.map.set(entry.key, entry)
    }
    // Left over by two copies that set one key while apart; indices descend, so each stays valid.
    if (duplicates.length > 0) this.doc.transact(() => duplicates.forEach((i) => yarray.delete(i, 1)))
    yarray.observe((_event, transaction) => this.onTransaction(transaction))
  }

  get size(): number {
    return this.map.size
  }

  get(key: string): T | undefined {
    return this.map.get(key)?.val
  }

  has(key: string): boolean {
    return this.map.has(key)
  }

  /** Every live record, in no particular order. */
  *values(): IterableIterator<T> {
    for (const entry of this.map.values()) yield entry.val
  }

  set(key: string, val: T): void {
    this.doc.transact(() => {
      this.delete(key)
      this.yarray.push([{ key, val: toUtf8.encode(JSON.stringify(val)) }])
    })
  }

  delete(key: string): void {
    const entry = this.map.get(key)
    if (!entry) return
    const index = indexOfElement(this.yarray, entry.element)
    if (index >= 0) this.yarray.delete(index, 1)
  }

  on(_event: 'change', listener: TRecordChangeListener<T>): void {
    this.listeners.add(listener)
  }

  off(_event: 'change', listener: TRecordChangeListener<T>): void {
    this.listeners.delete(listener)
  }

  private onTransaction(transaction: Y.Transaction): void {
    const changes = new Map<string, TRecordChange<T>>()
    const store = this.doc.store

    // Deleted first: a key whose live entry went away reads as deleted, unless an added entry takes its place below.
    for (const [client, ranges] of transaction.deleteSet.clients) {
      const structs = store.clients.get(client)
      if (!structs) continue
      const addedFrom = transaction.beforeState.get(client) ?? 0
      for (const { clock, len } of ranges) {
        for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
          const struct = structs[i]!
          if (struct.id.clock >= clock + len) break
          // Added and deleted in this same transaction: it never was a value.
          if (!(struct instanceof Y.Item) || struct.parent !== this.yarray || struct.id.clock >= addedFrom) continue
          for (const element of struct.content.getContent()) {
            const entry = readRecordEntry(element)
            if (!entry || this.map.get(entry.key) !== entry) continue
            this.map.delete(entry.key)
            changes.set(entry.key, { action: 'delete', oldValue: entry.val as T })
          }
        }
      }
    }

    // Each key's entry added by this transaction; null where it added more than one (contested).
    const added = new Map<string, TRecordEntry<T> | null>()
    // A document that held nothing before is being loaded (`ownBytes`).
    const loading = transaction.beforeState.size === 0
    for (const [client, after] of transaction.afterState) {
      const before = transaction.beforeState.get(client) ?? 0
      if (after <= before) continue
      const structs = store.clients.get(client)!
      for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
        const struct = structs[i]!
        if (struct.id.clock >= after) break
        if (!(struct instanceof Y.Item) || struct.deleted || struct.parent !== this.yarray || struct.parentSub !== null) continue
        for (const element of struct.content.getContent()) {
          const entry = readRecordEntry(element) as TRecordEntry<T> | undefined
          if (!entry) continue
          if (!loading) ownBytes(entry.element)
          added.set(entry.key, added.has(entry.key) ? null : entry)
        }
      }
    }

    const contested: string[] = []
    for (const [key, entry] of added) {
      if (entry === null || this.map.has(key)) {
        contested.push(key)
        continue
      }
      this.map.set(key, entry)
      const deleted = changes.get(key)
      changes.set(key, deleted?.action === 'delete' ? { action: 'update', oldValue: deleted.oldValue, newValue: entry.val } : { action: 'add', newValue: entry.val })
    }
    if (contested.length > 0) this.settleContested(contested, changes)
    if (changes.size === 0) return
    for (const listener of this.listeners) listener(changes, transaction)
  }

  /** Two live entries claim a key: the rightmost wins, the others are deleted (as every copy does). */
  private settleContested(keys: string[], changes: Map<string, TRecordChange<T>>): void {
    const pending = new Set(keys)
    const all = this.yarray.toArray()
    const losers: number[] = []
    const won = new Set<string>()
    for (let i = all.length - 1; i >= 0 && pending.size + won.size > 0; i--) {
      const entry = readRecordEntry(all[i]) as TRecordEntry<T> | undefined
      if (!entry) continue
      if (won.has(entry.key)) {
        losers.push(i)
        continue
      }
      if (!pending.has(entry.key)) continue
      pending.delete(entry.key)
      won.add(entry.key)
      const winner = entry
      const previous = this.map.get(winner.key)
      this.map.set(winner.key, winner)
      if (previous === winner) continue
      const deleted = changes.get(winner.key)
      const oldValue = previous?.val ?? (deleted?.action === 'delete' ? deleted.oldValue : undefined)
      changes.set(winner.key, oldValue === undefined ? { action: 'add', newValue: winner.val } : { action: 'update', oldValue, newValue: winner.val })
    }
    // Losers found right to left: deleting in that order keeps the lower indices valid.
    if (losers.length > 0) this.doc.transact(() => losers.forEach((i) => this.yarray.delete(i, 1)))
  }
}

/** The index of an element among the array's live elements (deleted items hold no index). */
function indexOfElement<T>(yarray: Y.Array<T>, element: T): number {
  let index = 0
  for (let item = (yarray as unknown as { _start: Y.Item | null })._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue
    const elements = item.content.getContent()
    const at = elements.indexOf(element)
    if (at >= 0) return index + at
    index += item.length
  }
  return -1
}
