import type { TBoardSearchShape, Sql } from '@montage/db'
import { replaceBoardSearchShapes } from '@montage/db'
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
 * last write, one write at a time. A failed write is logged and tried again at the next call.
 */
export class ShotSearchIndex {
  private written: string | null = null
  private chain: Promise<void> = Promise.resolve()

  constructor(private readonly opts: { boardId: string; db: Sql; logger: TLogger; records: () => Iterable<unknown> }) {}

  refresh(): Promise<void> {
    const shapes = searchShapesOf(this.opts.records())
    const signature = JSON.stringify(shapes)
    if (signature === this.written) return this.chain
    this.written = signature
    const { boardId, db, logger } = this.opts
    this.chain = this.chain.then(async () => {
      try {
        await replaceBoardSearchShapes(db, { boardId, shapes })
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
