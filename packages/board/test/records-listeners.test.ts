import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { getRecords } from '../src'

/** How many observers the records array has (Yjs keeps them on the type's event handler). */
function observers(doc: Y.Doc): number {
  const handler = (doc.getArray('records') as unknown as { _eH: { l: unknown[] } })._eH
  return handler.l.length
}

describe('getRecords', () => {
  it('gives one YKeyValue per document, so callers do not pile up listeners on the board', () => {
    const doc = new Y.Doc()
    const first = getRecords(doc)
    for (let i = 0; i < 50; i++) expect(getRecords(doc)).toBe(first)
    expect(observers(doc)).toBe(1)
    expect(getRecords(new Y.Doc())).not.toBe(first)
  })
})
