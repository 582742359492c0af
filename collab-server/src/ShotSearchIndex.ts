import * as Y from 'yjs'
import type { TBoardSearchChanges, TBoardSearchShape, Sql } from '@montage/db'
import { listUnindexedBoards, loadBoardUpdates, replaceBoardSearchShapes } from '@montage/db'
import { ShotSearchWriter } from './ShotSearchWriter'
import { mergeInGroups } from './merge-updates'
import { getRecords } from '@montage/board'
import { errorFields, type TLogger } from './logger'

interface TRecordLike {
  id?: unknown
  typeName?: unknown
  type?: unknown
  props?: unknown
}

/** A shot's search row: its title and prompt (strings only; anything else reads as empty); null for anything but a shot. */
function searchRowOf(record: unknown): TBoardSearchShape | null {
  const r = record as TRecordLike | null
  if (!r || typeof r !== 'object' || r.typeName !== 'shape' || r.type !== 'shot' || typeof r.id !== 'string') return null
  const p = r.props as { title?: unknown; prompt?: unknown } | null
  if (!p || typeof p !== 'object') return null
  const title = typeof p.title === 'string' ? p.title.slice(0, 200) : ''
  const prompt = typeof p.prompt === 'string' ? p.prompt.slice(0, 4000) : ''
  return { shapeId: r.id, title, prompt }
}

/** The shots of a board as search rows, by shape id. */
export function searchShapesOf(records: Iterable<unknown>): TBoardSearchShape[] {
  const out: TBoardSearchShape[] = []
  for (const r of records) {
    const row = searchRowOf(r)
    if (row) out.push(row)
  }
  return out.sort((a, b) => (a.shapeId < b.shapeId ? -1 : a.shapeId > b.shapeId ? 1 : 0))
}

/**
 * Keeps `board_search_shapes` equal to the board's shots: called when the board is built from
 * storage and after each store. The first write replaces the board's rows; after that only the
 * shots whose title or prompt changed, and those gone, are written (nothing when none did), one
 * write at a time, through the instance's `ShotSearchWriter` (which writes many boards in one
 * transaction; without one given, the index has its own). A failed write is logged, and the next
 * call replaces the board's rows whole again.
 *
 * Given `record` (one record by id), a refresh after the first reads only the records named to
 * `noteChanged` since the last one, not the whole board: a busy 10,000-shape board is stored every
 * few seconds, and each store walked every record.
 */
export class ShotSearchIndex {
  /** The rows as last handed to the writer, by shape id; null until the first write and after a failed one. */
  private written: Map<string, TBoardSearchShape> | null = null
  /** Records changed since the last refresh (with `record`). */
  private changed = new Set<string>()
  private chain: Promise<void> = Promise.resolve()
  private readonly writer: ShotSearchWriter

  constructor(private readonly opts: { boardId: string; db: Sql; logger: TLogger; records: () => Iterable<unknown>; record?: (id: string) => unknown; writer?: ShotSearchWriter }) {
    this.writer = opts.writer ?? new ShotSearchWriter(opts.db)
  }

  /** Records that were added, changed or deleted (any origin): the next refresh looks at them. */
  noteChanged(ids: Iterable<string>): void {
    for (const id of ids) this.changed.add(id)
  }

  refresh(): Promise<void> {
    const { boardId, logger, record } = this.opts
    const before = this.written
    const noted = this.changed
    this.changed = new Set()
    // The rows now of the records to compare (null: not a shot, or gone): the noted ones, or all.
    const now = new Map<string, TBoardSearchShape | null>()
    if (before && record) {
      for (const id of noted) now.set(id, searchRowOf(record(id)))
    } else {
      for (const r of this.opts.records()) {
        const row = searchRowOf(r)
        if (row) now.set(row.shapeId, row)
      }
      if (before) for (const id of before.keys()) if (!now.has(id)) now.set(id, null)
    }
    let changes: TBoardSearchChanges
    if (!before) {
      const rows = [...now.values()].filter((row) => row !== null)
      this.written = new Map(rows.map((row) => [row.shapeId, row]))
      changes = { boardId, replace: true, shapes: rows, removed: [] }
    } else {
      const shapes: TBoardSearchShape[] = []
      const removed: string[] = []
      for (const [id, row] of now) {
        const was = before.get(id)
        if (row && (!was || was.title !== row.title || was.prompt !== row.prompt)) {
          shapes.push(row)
          before.set(id, row)
        } else if (!row && was) {
          removed.push(id)
          before.delete(id)
        }
      }
      if (shapes.length === 0 && removed.length === 0) return this.chain
      changes = { boardId, replace: false, shapes, removed }
    }
    this.chain = this.chain.then(async () => {
      try {
        await this.writer.write(changes)
      } catch (e) {
        // What the rows hold is no longer known: the next call writes them whole.
        this.written = null
        logger.warn('indexing the board for search failed', { boardId, ...errorFields(e) })
      }
    })
    return this.chain
  }

  /** Resolves once every write asked for so far is done (tests, shutdown). */
  settled(): Promise<void> {
    return this.chain
  }
}

/**
 * Indexes the shots of every board never indexed (not opened since search came, or new and not yet
 * opened) from its stored document, oldest first, a batch at a time, so search finds them without
 * anyone opening them. Run in the background when the collab-server starts; instances running it
 * at once, or a room indexing the same board, write each board once (`ifUnindexed`). A board that
 * fails is logged and left for the next start. Returns how many boards it indexed. `workspaceId`:
 * only that workspace's boards.
 */
export async function indexUnindexedBoards(opts: { db: Sql; logger: TLogger; batch?: number; signal?: AbortSignal; workspaceId?: string }): Promise<number> {
  const { db, logger, batch = 50, signal, workspaceId } = opts
  let indexed = 0
  let after: { createdAt: Date; id: string } | undefined
  for (;;) {
    const boards = await listUnindexedBoards(db, { limit: batch, after, workspaceId })
    for (const board of boards) {
      if (signal?.aborted) return indexed
      const doc = new Y.Doc()
      try {
        const updates = await loadBoardUpdates(db, board.id)
        if (updates.length > 0) Y.applyUpdate(doc, mergeInGroups(updates))
        if (await replaceBoardSearchShapes(db, { boardId: board.id, shapes: searchShapesOf(getRecords(doc).values()), ifUnindexed: true })) indexed++
      } catch (e) {
        logger.warn('indexing a stored board for search failed', { boardId: board.id, ...errorFields(e) })
      } finally {
        doc.destroy()
      }
    }
    if (boards.length < batch) break
    after = boards.at(-1)
  }
  if (indexed > 0) logger.info('indexed stored boards for search', { boards: indexed })
  return indexed
}
