import { z } from 'zod'
import { AppError, AppErrorCode, UUID_PATTERN } from '@montage/core'
import type { TPageAfter } from '@montage/db'

/** `?cursor=&limit=` of every API list (in @montage/core, which the OpenAPI document is built from). */
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, ZPageQuery } from '@montage/core'

/** A timestamptz as PostgreSQL writes it (`2026-12-04 16:40:49.123456+00`). */
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/
const SHAPE_ID = /^shape:[A-Za-z0-9_-]{1,200}$/

/** The place in a board's shapes (ordered by id alone) is the last id. */
export const SHAPE_PAGE_AT = '1970-01-01 00:00:00+00'

/**
 * The place a cursor stands for (`ids`: the row ids of a table list, or shape ids); a cursor that is
 * not one of ours is BAD_REQUEST naming it, before any query sees it.
 */
export function decodeCursor(cursor: string | undefined, ids: 'uuid' | 'shape' = 'uuid'): TPageAfter | null {
  if (cursor === undefined) return null
  try {
    const [at, id] = z.tuple([z.string().regex(PG_TIMESTAMP), z.string().regex(ids === 'uuid' ? UUID_PATTERN : SHAPE_ID)]).parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
    return { at, id }
  } catch {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'cursor: is not a cursor this API handed out; pass nextCursor from the previous page as it came', { field: 'cursor' })
  }
}

function encodeCursor(after: TPageAfter): string {
  return Buffer.from(JSON.stringify([after.at, after.id])).toString('base64url')
}

/** Cuts the extra row a page query fetched and says where the next page starts (null at the end). */
export function toPage<R, T>(rows: R[], limit: number, place: (row: R) => TPageAfter, view: (row: R) => T): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit
  const kept = more ? rows.slice(0, limit) : rows
  return { items: kept.map(view), nextCursor: more ? encodeCursor(place(kept[kept.length - 1]!)) : null }
}
