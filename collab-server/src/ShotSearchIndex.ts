import * as Y from 'yjs'
import type { TBoardSearchShape, Sql } from '@montage/db'
import { listUnindexedBoards, loadBoardUpdates, replaceBoardSearchShapes } from '@montage/db'
import type { ShotSearchWriter } from './ShotSearchWriter'
import { getRecords } from '@montage/board'
import { errorFields, type TLogger } from './logger'

interface TRecordLike {
  id?: unknown
  typeName?: unknown
  type?: unknown
  props?: unknown
}

/** The shots of a board as search rows: title and prompt (strings only; anything else is skipped). */
export function searchShapesOf(records: Iterable<unknown>): TBoardSearchShape[] {
  const out: TBoardSearchShape[] = []
  for (const r of records as Iterable<TRecordLike | null>) {
    if (!r || typeof r !== 'object' || r.typeName !== 'shape' || r.type !== 'shot' || typeof r.id !== 'string') continue
    const p = r.props as { title?: unknown; prompt?: unknown } | null
    if (!p || typeof p !== 'object') continue
    const title = typeof p.title === 'string' ? p.title.slice(0, 200) : ''
    const prompt = typeof p.prompt === 'string' ? p.prompt.slice(0, 4000) : ''
    out.push({ shapeId: r.id, title, prompt })
  }
  return out.sort((a, b) => (a.shapeId < b.shapeId ? -1 : a.shapeId > b.shapeId ? 1 : 0))
}

/**
 * Keeps `board_search_shapes` equal to the board's shots: called when the board is built from
 * storage and after each store; writes only when the shots' titles or prompts changed since the
 * last write, one write at a time (through the instance's `ShotSearchWriter` when given one, which
 * writes many boards in one transaction). A failed write is logged and tried again at the next call.
 */
export class ShotSearchIndex {
  private written: string | null = null
  private chain: Promise<void> = Promise.resolve()

  constructor(private readonly opts: { boardId: string; db: Sql; logger: TLogger; records: () => Iterable<unknown>; writer?: ShotSearchWriter }) {}

  refresh(): Promise<void> {
    const shapes = searchShapesOf(this.opts.records())
    const signature = JSON.stringify(shapes)
    if (signature === this.written) return this.chain
    this.written = signature
    const { boardId, db, logger, writer } = this.opts
    this.chain = this.chain.then(async () => {
      try {
        if (writer) await writer.write(boardId, shapes)
        else await replaceBoardSearchShapes(db, { boardId, shapes })
      } catch (e) {
        if (this.written === signature) this.written = null
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
        if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates))
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
