import * as Y from 'yjs'
import type { TBoardSearchChanges, TBoardSearchShape, Sql } from '@montage/db'
import { listUnindexedBoards, loadBoardUpdates, readBoardSearchShapes, replaceBoardSearchShapes } from '@montage/db'
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
 * storage and after stores (at most every 2 s: `refreshSoon`). The first refresh reads what the
 * index holds of the board and writes only where it differs (nothing when it does not: opening a
 * board indexed before costs one read, not a write), or, for a board never indexed, replaces its
 * rows whole and marks it indexed.
 * After that only the shots whose title or prompt changed, and those gone, are written (nothing when
 * none did), one write at a time, through the instance's `ShotSearchWriter` (which writes many
 * boards in one transaction; without one given, the index has its own). A failed read or write is
 * logged, and the next call starts again from what the index holds.
 *
 * Given `record` (one record by id), a refresh after the first reads only the records named to
 * `noteChanged` since the last one, not the whole board: a busy 10,000-shape board is stored every
 * few seconds, and each store walked every record.
 */
export class ShotSearchIndex {
  /** The rows as last handed to the writer (or read from the index), by shape id; null until the first refresh and after a failed one. */
  private written: Map<string, TBoardSearchShape> | null = null
  /** Records changed since the last refresh (with `record`). */
  private readonly changed = new Set<string>()
  private chain: Promise<void> = Promise.resolve()
  /** The refresh that starts from what the index holds, while it is queued or running. */
  private fromStored: Promise<void> | null = null
  private readonly writer: ShotSearchWriter
  constructor(private readonly opts: { boardId: string; db: Sql; logger: TLogger; records: () => Iterable<unknown>; record?: (id: string) => unknown; writer?: ShotSearchWriter }) {
    this.writer = opts.writer ?? new ShotSearchWriter(opts.db)
  }

  /**
   * A refresh after a store, at the writer's next refresh tick (`ShotSearchWriter.refreshSoon`:
   * one clock for every board of the instance, at most one tick every 2 s). A busy board is stored
   * every few hundred milliseconds; put off, a refresh writes what changed meanwhile at once, each
   * shot's latest title and prompt once, and search finds a change within a few seconds.
   */
  refreshSoon(): void {
    this.writer.refreshSoon(this)
  }

  /** Runs the refresh `refreshSoon` put off, now (the board is closing: its records are about to go). */
  refreshPutOff(): void {
    if (this.writer.takePutOff(this)) void this.refresh()
  }

  /** Records that were added, changed or deleted (any origin): the next refresh looks at them. */
  noteChanged(ids: Iterable<string>): void {
    for (const id of ids) this.changed.add(id)
  }

  refresh(): Promise<void> {
    const before = this.written
    if (!before) return this.refreshFromStored()
    const { record } = this.opts
    // The rows now of the records to compare (null: not a shot, or gone): the noted ones, or all.
    let now: Map<string, TBoardSearchShape | null>
    if (record) {
      now = new Map()
      for (const id of this.changed) now.set(id, searchRowOf(record(id)))
    } else {
      now = this.rowsAgainst(before)
    }
    this.changed.clear()
    const changes = changesFrom(this.opts.boardId, before, now)
    if (!changes) return this.chain
    return this.write(changes)
  }

  /** Resolves once every write asked for so far is done (tests, shutdown). */
  settled(): Promise<void> {
    return this.chain
  }

  /**
   * Reads what the index holds of the board, then writes where the board's shots differ from it
   * (a board never indexed: all of them, replacing its rows). Every record is read once the index
   * answered, so what was noted before is covered; calls meanwhile wait for this one.
   */
  private refreshFromStored(): Promise<void> {
    if (this.fromStored) return this.fromStored
    const { boardId, db, logger } = this.opts
    const run = this.chain.then(async () => {
      let changes: TBoardSearchChanges | null
      try {
        const stored = await readBoardSearchShapes(db, boardId)
        // A board deleted meanwhile: nothing to index.
        if (!stored) return
        this.changed.clear()
        if (!stored.indexed) {
          const now = this.rowsNow()
          this.written = now
          changes = { boardId, replace: true, shapes: [...now.values()], removed: [] }
        } else {
          const before = new Map(stored.shapes.map((row) => [row.shapeId, row]))
          this.written = before
          changes = changesFrom(boardId, before, this.rowsAgainst(before))
        }
      } catch (e) {
        logger.warn('reading the board\'s search rows failed', { boardId, ...errorFields(e) })
        return
      }
      if (changes) await this.writeNow(changes)
    })
    this.chain = run
    this.fromStored = run
    void run.finally(() => {
      if (this.fromStored === run) this.fromStored = null
    })
    return run
  }

  /** The board's shots as search rows now, by shape id. */
  private rowsNow(): Map<string, TBoardSearchShape> {
    const rows = new Map<string, TBoardSearchShape>()
    for (const r of this.opts.records()) {
      const row = searchRowOf(r)
      if (row) rows.set(row.shapeId, row)
    }
    return rows
  }

  /** Every shot's row now, and null for each shape of `before` that is no longer a shot. */
  private rowsAgainst(before: Map<string, TBoardSearchShape>): Map<string, TBoardSearchShape | null> {
    const rows = new Map<string, TBoardSearchShape | null>(this.rowsNow())
    for (const id of before.keys()) if (!rows.has(id)) rows.set(id, null)
    return rows
  }

  private write(changes: TBoardSearchChanges): Promise<void> {
    this.chain = this.chain.then(() => this.writeNow(changes))
    return this.chain
  }

  private async writeNow(changes: TBoardSearchChanges): Promise<void> {
    try {
      await this.writer.write(changes)
    } catch (e) {
      // What the rows hold is no longer known: the next call reads them again.
      this.written = null
      this.opts.logger.warn('indexing the board for search failed', { boardId: this.opts.boardId, ...errorFields(e) })
    }
  }
}

/**
 * What to write so that the index, holding `before` (which this updates to match), holds the rows
 * `now` (null: not a shot, or gone) of the shapes compared; null when nothing differs.
 */
function changesFrom(boardId: string, before: Map<string, TBoardSearchShape>, now: Map<string, TBoardSearchShape | null>): TBoardSearchChanges | null {
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
  return shapes.length === 0 && removed.length === 0 ? null : { boardId, replace: false, shapes, removed }
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
