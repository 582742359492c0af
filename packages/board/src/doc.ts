import * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import type { TLRecord } from '@tldraw/tlschema'

/**
 * The Yjs layout of a board: records in a YKeyValue over Y.Array('records') (repeated writes of
 * one key do not grow the document, unlike a Y.Map), the schema in Y.Map('meta').
 */
export const RECORDS_ARRAY = 'records'
export const META_MAP = 'meta'

const recordsOf = new WeakMap<Y.Doc, YKeyValue<TLRecord>>()

/**
 * The board's records, one YKeyValue per document for its whole life. A YKeyValue observes its
 * array for good and copies it on every transaction, so making one per call (as every board
 * command did) left one more listener behind each time and made each later update slower.
 */
export function getRecords(doc: Y.Doc): YKeyValue<TLRecord> {
  let kv = recordsOf.get(doc)
  if (!kv) {
    kv = new YKeyValue<TLRecord>(doc.getArray<{ key: string; val: TLRecord }>(RECORDS_ARRAY))
    recordsOf.set(doc, kv)
  }
  return kv
}

export function getMeta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(META_MAP)
}

/** Every record of a document as a plain object keyed by id (tests and reconciliation use it). */
export function readRecords(doc: Y.Doc): Record<string, TLRecord> {
  const out: Record<string, TLRecord> = {}
  for (const { key, val } of doc.getArray<{ key: string; val: TLRecord }>(RECORDS_ARRAY).toArray()) out[key] = val
  return out
}
