import * as Y from 'yjs'
import { DocumentRecordType, PageRecordType, TLDOCUMENT_ID, type TLRecord } from '@tldraw/tlschema'
import type { IndexKey } from '@tldraw/utils'
import { getMeta, getRecords } from './doc'
import { boardSchema } from './schema'

/** tldraw's fixed default page id, which the canvas seeds a new board with too (so seeds agree). */
export const DEFAULT_PAGE_ID = 'page:page'

/** What a new board holds before anything is drawn: the document record and one page. */
export function seedRecords(): TLRecord[] {
  return [DocumentRecordType.create({ id: TLDOCUMENT_ID }), PageRecordType.create({ id: DEFAULT_PAGE_ID as never, name: 'Page 1', index: 'a1' as IndexKey })]
}

/** What the first browser on a new board writes: the document, a page, the schema. */
export function seedBoard(doc: Y.Doc): void {
  const records = getRecords(doc)
  doc.transact(() => {
    for (const record of seedRecords()) records.set(record.id, record)
    getMeta(doc).set('schema', boardSchema().serialize())
  })
}
