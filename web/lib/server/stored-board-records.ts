import * as Y from 'yjs'
import type { TLRecord } from 'tldraw'
import { getRecords } from '@montage/board'
import { loadBoardUpdates, type Sql } from '@montage/db'

/**
 * Every record of a board as the collab-server last stored it (it persists a few seconds after
 * each change), for server readers that act on what the board holds: a sequence render reads its
 * clips, trims and decisions from here, never from what the client says. Records that are not
 * objects with an id and a type name, and shapes without props, are skipped; readers check the
 * fields they use.
 */
export async function storedBoardRecords(sql: Sql, boardId: string): Promise<TLRecord[]> {
  const doc = new Y.Doc()
  try {
    const updates = await loadBoardUpdates(sql, boardId)
    if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates))
    const out: TLRecord[] = []
    for (const [id, { val }] of getRecords(doc).map) {
      const r = val as unknown as (Partial<TLRecord> & { props?: unknown }) | null
      if (!r || typeof r !== 'object' || r.id !== id || typeof r.typeName !== 'string') continue
      // A shape stored without props (from before the collab-server checked updates) is skipped, never thrown on.
      if (r.typeName === 'shape' && (typeof r.props !== 'object' || r.props === null)) continue
      out.push(r as TLRecord)
    }
    return out
  } finally {
    doc.destroy()
  }
}
