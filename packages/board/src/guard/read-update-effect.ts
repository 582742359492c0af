import * as Y from 'yjs'
import { getRecords, META_MAP, RECORDS_ARRAY, THREADS_MAP } from '../doc'
import { readRecordEntry } from '../BoardRecords'
import { TEXTS_MAP } from '../texts'

/**
 * What a Yjs update would do to a board, read from the update itself before it is applied.
 * Values are as the sender wrote them: nothing here is validated yet.
 */
export interface TUpdateEffect {
  /** Values the update leaves under each record key, in the update's order (one from an honest client). */
  recordWrites: Map<string, unknown[]>
  /** Keys whose live record the update deletes (some are written again in `recordWrites`). */
  recordDeletes: Set<string>
  /** `meta` keys the update sets, with their values. */
  metaWrites: Map<string, unknown>
  /** `meta` keys whose value the update deletes. */
  metaDeletes: Set<string>
  /** `texts` keys the update makes a shared text under. */
  textCreates: Set<string>
  /** Characters the update inserts into each shared text, by `texts` key. */
  textInserts: Map<string, number>
  /** What the update inserts into each shared text, by `texts` key (its pieces joined, in no set order). */
  textInsertedStrings: Map<string, string>
  /** Characters the update deletes from each shared text, by `texts` key. */
  textDeletes: Map<string, number>
  /** Why the update cannot be part of a board whatever its values are (a write to `threads`, a nested type…). */
  problems: string[]
}

/** An update as `Y.decodeUpdate` reads it: its structs and its delete set, not integrated anywhere. */
export type TDecodedUpdate = ReturnType<typeof Y.decodeUpdate>

/**
 * Where an item of the update lands: a root type and, for maps, a key; inside the shared text under
 * a `texts` key; or nowhere.
 */
type TPlace = { root: string; sub: string | null } | { text: string; sub: string | null } | { nested: true } | { dropped: true }

const MAX_PROBLEMS = 5

/**
 * Reads a Yjs update (v1) against the document it is about to be applied to. The caller must
 * have checked that the document holds everything the update depends on (`hasMissingDependencies`):
 * every origin, parent and deleted range the update names is then either in the document or in
 * the update itself.
 *
 * Items are placed as Yjs itself will place them when it integrates them: an explicit root name,
 * or the parent of the neighbour they were inserted beside (a neighbour that was garbage-collected
 * makes Yjs drop the item, so it is ignored). Parts of the update the document already holds are
 * skipped, as Yjs skips them.
 *
 * `decoded`, when the caller has decoded the update already, saves decoding it again; its structs
 * are only read.
 */
export function readUpdateEffect(doc: Y.Doc, update: Uint8Array, decoded?: TDecodedUpdate): TUpdateEffect {
  const effect: TUpdateEffect = {
    recordWrites: new Map(),
    recordDeletes: new Set(),
    metaWrites: new Map(),
    metaDeletes: new Set(),
    textCreates: new Set(),
    textInserts: new Map(),
    textInsertedStrings: new Map(),
    textDeletes: new Map(),
    problems: [],
  }
  const problem = (text: string) => {
    if (effect.problems.length < MAX_PROBLEMS && !effect.problems.includes(text)) effect.problems.push(text)
  }
  const { structs, ds } = decoded ?? Y.decodeUpdate(update)
  const records = getRecords(doc)

  // The update's new items by client, in clock order, so neighbours inside the update can be found.
  const fresh = new Map<number, Y.Item[]>()
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue
    if (struct.id.clock + struct.length <= Y.getState(doc.store, struct.id.client)) continue
    const list = fresh.get(struct.id.client)
    if (list) list.push(struct)
    else fresh.set(struct.id.client, [struct])
  }
  const places = new Map<Y.Item, TPlace>()

  const freshItemAt = (id: Y.ID): Y.Item | null => {
    const list = fresh.get(id.client)
    if (!list) return null
    let lo = 0
    let hi = list.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const item = list[mid]!
      if (id.clock < item.id.clock) hi = mid - 1
      else if (id.clock >= item.id.clock + item.length) lo = mid + 1
      else return item
    }
    return null
  }
  // What the update deletes of its own items: inserted and deleted at once, never a value.
  const deletedHere = (client: number, clock: number): boolean => ds.clients.get(client)?.some((r) => clock >= r.clock && clock < r.clock + r.len) ?? false

  const count = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n)

  /** The place of items whose parent is the type held by the item `id`: only a shared text under a `texts` key has one. */
  const resolving = new Set<Y.Item>()
  const placeInsideType = (id: Y.ID): TPlace => {
    const holder = freshItemAt(id)
    if (holder) {
      if (resolving.has(holder)) return { dropped: true }
      resolving.add(holder)
      const place = placeOf(holder)
      resolving.delete(holder)
      if ('dropped' in place) return place
      if ('root' in place && place.root === TEXTS_MAP && place.sub !== null && isSharedText(holder.content) && !deletedHere(holder.id.client, holder.id.clock)) return { text: place.sub, sub: null }
      return { nested: true }
    }
    let struct: Y.Item | Y.GC
    try {
      struct = Y.getItem(doc.store, id) as Y.Item | Y.GC
    } catch {
      return { dropped: true }
    }
    if (!(struct instanceof Y.Item)) return { dropped: true }
    if (!(struct.content instanceof Y.ContentType)) return { nested: true }
    return placeOfType(struct.content.type as Y.AbstractType<unknown>, null)
  }

  const placeOfDocStruct = (id: Y.ID): TPlace => {
    const struct = Y.getItem(doc.store, id) as Y.Item | Y.GC
    if (!(struct instanceof Y.Item)) return { dropped: true }
    return placeOfType(struct.parent as Y.AbstractType<unknown>, struct.parentSub)
  }

  /** Follows neighbours inside the update until an explicit parent or a document item answers. */
  const placeOf = (start: Y.Item): TPlace => {
    const path: Y.Item[] = []
    let item: Y.Item | null = start
    let place: TPlace | undefined
    while (item && !place) {
      const known = places.get(item)
      if (known) {
        place = known
        break
      }
      if (path.includes(item)) {
        place = { dropped: true }
        break
      }
      path.push(item)
      if (typeof item.parent === 'string') place = { root: item.parent, sub: item.parentSub }
      else if (item.parent instanceof Y.ID) {
        const inside = placeInsideType(item.parent)
        place = 'text' in inside ? { text: inside.text, sub: item.parentSub } : inside
      }
      else {
        const left: Y.ID | null = item.origin
        const right: Y.ID | null = item.rightOrigin
        if (!left && !right) {
          problem('an item names neither a parent nor a neighbour')
          place = { dropped: true }
          break
        }
        // Yjs drops an item whose left or right neighbour is garbage; it never reaches a type.
        const leftFresh: Y.Item | null = left ? freshItemAt(left) : null
        const rightFresh: Y.Item | null = right ? freshItemAt(right) : null
        if ((left && !leftFresh && isCollected(doc, left)) || (right && !rightFresh && isCollected(doc, right))) {
          place = { dropped: true }
          break
        }
        const next: Y.Item | null = left ? leftFresh : rightFresh
        if (next) item = next
        else place = placeOfDocStruct((left ?? right)!)
      }
    }
    const result = place ?? { dropped: true }
    for (const p of path) places.set(p, result)
    return result
  }

  for (const list of fresh.values()) {
    for (const item of list) {
      const place = placeOf(item)
      if ('dropped' in place) continue
      if ('nested' in place) {
        problem('nested shared types are not part of a board')
        continue
      }
      const content = item.content
      // The part of a partly known item that the document lacks.
      const skip = Math.max(0, Y.getState(doc.store, item.id.client) - item.id.clock)
      if ('text' in place) {
        if (place.sub !== null) {
          problem('a shared text holds no keyed entries')
          continue
        }
        if (content instanceof Y.ContentDeleted) continue
        if (!(content instanceof Y.ContentString)) {
          problem(`${contentName(content)} content is not part of a shared text`)
          continue
        }
        let inserted = 0
        let piece = ''
        for (let i = skip; i < item.length; i++) {
          if (deletedHere(item.id.client, item.id.clock + i)) continue
          inserted++
          piece += content.str.charAt(i)
        }
        if (inserted > 0) {
          count(effect.textInserts, place.text, inserted)
          effect.textInsertedStrings.set(place.text, (effect.textInsertedStrings.get(place.text) ?? '') + piece)
        }
        continue
      }
      if (place.root === TEXTS_MAP) {
        if (place.sub === null) {
          problem('texts holds keyed shared texts only')
          continue
        }
        if (content instanceof Y.ContentDeleted || skip > 0 || deletedHere(item.id.client, item.id.clock)) continue
        if (!isSharedText(content)) {
          problem('texts holds shared texts (Y.Text) only')
          continue
        }
        // Written beside the text that holds the key now: a text is never replaced, only edited.
        const live = (doc.getMap(TEXTS_MAP) as unknown as { _map: Map<string, Y.Item> })._map.get(place.sub)
        if (live && !live.deleted && item.origin && Y.compareIDs(item.origin, live.id)) {
          problem('a shared text is never replaced')
          continue
        }
        effect.textCreates.add(place.sub)
        continue
      }
      if (place.root === THREADS_MAP) {
        problem('comment threads are written by the server only')
        continue
      }
      if (place.root !== RECORDS_ARRAY && place.root !== META_MAP) {
        problem(`"${place.root}" is not part of a board`)
        continue
      }
      if (content instanceof Y.ContentDeleted) continue
      if (!(content instanceof Y.ContentAny)) {
        problem(`${contentName(content)} content is not part of a board`)
        continue
      }
      const values = content.getContent().filter((_, i) => i >= skip && !deletedHere(item.id.client, item.id.clock + i))
      if (place.root === RECORDS_ARRAY) {
        if (place.sub !== null) {
          problem('the records array holds no keyed entries')
          continue
        }
        for (const value of values) {
          const entry = readRecordEntry(value)
          if (!entry) {
            problem('a records entry must be an object { key, val } with a string key and, as its value, the JSON text of an object (as UTF-8 bytes)')
            continue
          }
          const list = effect.recordWrites.get(entry.key)
          if (list) list.push(entry.val)
          else effect.recordWrites.set(entry.key, [entry.val])
        }
      } else if (place.sub === null) {
        problem('meta holds keyed values only')
      } else if (values.length > 0) {
        effect.metaWrites.set(place.sub, values[values.length - 1])
      }
    }
  }

  for (const [client, ranges] of ds.clients) {
    const structsOf = doc.store.clients.get(client)
    const known = Y.getState(doc.store, client)
    for (const { clock, len } of ranges) {
      // Deletions of the update's own items take nothing the board holds.
      const end = Math.min(clock + len, known)
      if (!structsOf || clock >= end) continue
      for (let i = Y.findIndexSS(structsOf, clock); i < structsOf.length; i++) {
        const struct = structsOf[i]!
        if (struct.id.clock >= end) break
        if (!(struct instanceof Y.Item) || struct.deleted) continue
        const place = placeOfType(struct.parent as Y.AbstractType<unknown>, struct.parentSub)
        if ('text' in place) {
          if (struct.content instanceof Y.ContentString) {
            const from = Math.max(clock, struct.id.clock)
            const to = Math.min(end, struct.id.clock + struct.length)
            count(effect.textDeletes, place.text, to - from)
          }
          continue
        }
        if (!('root' in place)) {
          problem('nested shared types are not part of a board')
          continue
        }
        if (place.root === TEXTS_MAP) {
          problem('a shared text is never removed')
        } else if (place.root === RECORDS_ARRAY) {
          const from = Math.max(clock, struct.id.clock) - struct.id.clock
          const to = Math.min(end, struct.id.clock + struct.length) - struct.id.clock
          for (const element of struct.content.getContent().slice(from, to)) {
            const entry = readRecordEntry(element)
            if (entry && records.map.get(entry.key) === entry) effect.recordDeletes.add(entry.key)
          }
        } else if (place.root === META_MAP) {
          if (place.sub !== null) effect.metaDeletes.add(place.sub)
        } else if (place.root === THREADS_MAP) {
          problem('comment threads are written by the server only')
        } else {
          problem(`"${place.root}" is not part of a board`)
        }
      }
    }
  }
  return effect
}

function placeOfType(type: Y.AbstractType<unknown> | null, sub: string | null): TPlace {
  if (!type) return { dropped: true }
  if (type._item !== null) {
    // A shared text held directly by the root map `texts` under a key.
    const holder = type._item
    const parent = holder.parent as Y.AbstractType<unknown> | null
    if (isSharedText(holder.content) && holder.parentSub !== null && parent && parent._item === null && Y.findRootTypeKey(parent) === TEXTS_MAP) {
      return holder.deleted ? { dropped: true } : { text: holder.parentSub, sub }
    }
    return { nested: true }
  }
  return { root: Y.findRootTypeKey(type), sub }
}

/** A plain Y.Text (not a rich-text XmlText, which is a Y.Text too). */
function isSharedText(content: unknown): boolean {
  return content instanceof Y.ContentType && (content.type as object).constructor === Y.Text
}

function isCollected(doc: Y.Doc, id: Y.ID): boolean {
  return !(Y.getItem(doc.store, id) instanceof Y.Item)
}

function contentName(content: unknown): string {
  if (content instanceof Y.ContentType) return 'nested type'
  if (content instanceof Y.ContentString) return 'text'
  if (content instanceof Y.ContentFormat) return 'text format'
  if (content instanceof Y.ContentEmbed) return 'embed'
  if (content instanceof Y.ContentBinary) return 'binary'
  if (content instanceof Y.ContentJSON) return 'JSON'
  if (content instanceof Y.ContentDoc) return 'subdocument'
  return 'unknown'
}
