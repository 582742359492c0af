import * as Y from 'yjs'
import type { TLRecord } from '@tldraw/tlschema'
import type { TThreadSummary } from '@montage/core'
import { BoardRecords, type TStoredRecordEntry } from './BoardRecords'

/**
 * The Yjs layout of a board: records as `{ key, val }` entries of Y.Array('records'), each `val`
 * the UTF-8 bytes of the record's JSON text (repeated writes of one key do not grow the document,
 * unlike a Y.Map), the schema in Y.Map('meta'), comment thread summaries in Y.Map('threads')
 * (written by the server only).
 */
export const RECORDS_ARRAY = 'records'
export const META_MAP = 'meta'

const recordsOf = new WeakMap<Y.Doc, BoardRecords>()

/**
 * The board's records, one view per document for its whole life: a view observes its array for
 * good, so making one per call (as every board command once did) left one more listener behind
 * each time and made each later update slower.
 */
export function getRecords(doc: Y.Doc): BoardRecords {
  let records = recordsOf.get(doc)
  if (!records) {
    records = new BoardRecords<TLRecord>(doc.getArray<TStoredRecordEntry>(RECORDS_ARRAY))
    recordsOf.set(doc, records)
  }
  return records
}

export function getMeta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(META_MAP)
}

/** Comment threads live beside the records (they are not tldraw records), keyed by their root comment id. */
export const THREADS_MAP = 'threads'

export function getThreads(doc: Y.Doc): Y.Map<TThreadSummary> {
  return doc.getMap<TThreadSummary>(THREADS_MAP)
}

/** Every record of a document as a plain object keyed by id (tests and reconciliation use it). */
export function readRecords(doc: Y.Doc): Record<string, TLRecord> {
  const out: Record<string, TLRecord> = {}
  for (const [key, { val }] of getRecords(doc).map) out[key] = val
  return out
}
