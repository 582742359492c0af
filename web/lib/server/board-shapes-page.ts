import type { TLRecord, TLShape } from 'tldraw'
import type { Sql } from '@montage/db'
import { decodeCursor, SHAPE_PAGE_AT, toPage } from './pagination'
import { storedBoardRecords } from './stored-board-records'

/** A shape as the API shows it: its id, where it is, and its props without the card's size. */
export interface TBoardShapeView {
  id: string
  type: string
  x: number
  y: number
  [prop: string]: unknown
}

/**
 * One page of a board's shapes of one type as the collab-server stored them (a change shows here
 * a few seconds after it is made), ordered by shape id, which never changes.
 */
export async function boardShapesPage(
  sql: Sql,
  opts: { boardId: string; type: string; where?: (props: Record<string, unknown>) => boolean; cursor?: string; limit: number },
): Promise<{ items: TBoardShapeView[]; nextCursor: string | null }> {
  const after = decodeCursor(opts.cursor, 'shape')
  const shapes = (await storedBoardRecords(sql, opts.boardId))
    .filter((r: TLRecord): r is TLShape => r.typeName === 'shape' && r.type === opts.type)
    .filter((s) => !opts.where || opts.where(s.props as Record<string, unknown>))
    .filter((s) => !after || s.id > after.id)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
  return toPage(
    shapes.slice(0, opts.limit + 1),
    opts.limit,
    (s) => ({ at: SHAPE_PAGE_AT, id: s.id }),
    (s) => {
      const { w: _w, h: _h, ...props } = s.props as Record<string, unknown>
      return { ...props, id: s.id, type: s.type, x: s.x, y: s.y }
    },
  )
}
