import type { TSearchResult, TSearchResultKind } from '@montage/core'
import type { Sql } from './client'

export type TSearchKind = TSearchResultKind

/** One search hit (what the API answers, `@montage/core`'s `TSearchResult`) with its rank. */
export interface TSearchHit extends TSearchResult {
  rank: number
}

/**
 * The words of a search as a prefix `tsquery` ('simple' configuration): every letter-or-digit run
 * becomes `'word':*`, joined by `&`. Null when the text holds no word. The words contain nothing
 * but letters and digits, so the query text cannot carry tsquery operators.
 */
export function searchQueryText(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu)
  if (!words || words.length === 0) return null
  return [...new Set(words)].slice(0, 8).map((w) => `'${w}':*`).join(' & ')
}

const PER_KIND = 8

/**
 * Full-text search over one workspace: its boards' names, shots (title and prompt, as last stored
 * by the collab-server), generation prompts, library tags, comments and members. Every part is
 * joined to the workspace, so nothing of another workspace can come back.
 */
export async function searchWorkspace(sql: Sql, opts: { workspaceId: string; q: string }): Promise<TSearchHit[]> {
  const text = searchQueryText(opts.q)
  if (!text) return []
  const ws = opts.workspaceId
  const rows = await sql<(Omit<TSearchHit, 'rank'> & { rank: number })[]>`
    WITH q AS (SELECT to_tsquery('simple', ${text}) AS q)
    (SELECT 'board' AS kind, b.id::text AS id, b.name AS title, '' AS text, b.id::text AS "boardId", b.name AS "boardName",
            NULL::text AS "shapeId", NULL::text AS "threadId", NULL::float8 AS "timeSeconds", ts_rank(b.search, q.q) AS rank
       FROM boards b, q WHERE b.workspace_id = ${ws} AND b.search @@ q.q ORDER BY rank DESC, b.name LIMIT ${PER_KIND})
    UNION ALL
    (SELECT 'shot', s.board_id::text || ':' || s.shape_id, s.title, s.prompt, b.id::text, b.name,
            s.shape_id, NULL, NULL, ts_rank(s.search, q.q) AS rank
       FROM board_search_shapes s JOIN boards b ON b.id = s.board_id, q
      WHERE b.workspace_id = ${ws} AND s.search @@ q.q ORDER BY rank DESC, s.title LIMIT ${PER_KIND})
    UNION ALL
    (SELECT 'prompt', g.id::text, g.model, coalesce(g.request ->> 'prompt', g.params ->> 'prompt', ''), b.id::text, b.name,
            g.variation_id, NULL, NULL, ts_rank(g.search, q.q) AS rank
       FROM generations g JOIN boards b ON b.id = g.board_id, q
      WHERE g.workspace_id = ${ws} AND b.workspace_id = ${ws} AND g.search @@ q.q ORDER BY rank DESC, g.created_at DESC LIMIT ${PER_KIND})
    UNION ALL
    (SELECT 'tag', r.id::text, '@' || r.tag, r.name, used.board_id::text, used.board_name,
            used.variation_id, NULL, NULL, ts_rank(r.search, q.q) AS rank
       FROM library_references r CROSS JOIN q
       LEFT JOIN LATERAL (
         SELECT g.board_id, b.name AS board_name, g.variation_id FROM generations g JOIN boards b ON b.id = g.board_id
          WHERE g.workspace_id = ${ws} AND b.workspace_id = ${ws}
            AND coalesce(g.request ->> 'prompt', g.params ->> 'prompt', '') ~ ('@' || r.tag || '([^a-z0-9_]|$)')
          ORDER BY g.created_at DESC LIMIT 1) used ON true
      WHERE r.workspace_id = ${ws} AND r.search @@ q.q ORDER BY rank DESC, r.tag LIMIT ${PER_KIND})
    UNION ALL
    (SELECT 'comment', c.id::text, c.author_name, c.body, b.id::text, b.name,
            c.variation_id, coalesce(c.parent_id, c.id)::text, c.time_seconds, ts_rank(c.search, q.q) AS rank
       FROM comments c JOIN boards b ON b.id = c.board_id, q
      WHERE b.workspace_id = ${ws} AND c.search @@ q.q ORDER BY rank DESC, c.created_at DESC LIMIT ${PER_KIND})
    UNION ALL
    (SELECT 'person', u.id::text, u.name, m.role::text, NULL, NULL, NULL, NULL, NULL, ts_rank(u.search, q.q) AS rank
       FROM users u JOIN memberships m ON m.user_id = u.id AND m.workspace_id = ${ws}, q
      WHERE u.search @@ q.q ORDER BY rank DESC, u.name LIMIT ${PER_KIND})`
  return rows.map((r) => ({ ...r, rank: Number(r.rank), timeSeconds: r.timeSeconds === null ? null : Number(r.timeSeconds) }))
}

export interface TBoardSearchShape {
  shapeId: string
  title: string
  prompt: string
}

/**
 * What the search index holds of one board: whether it was ever indexed, and its shots' rows (in
 * shape id order); null when there is no such board. The collab-server reads it when it opens a
 * board, so that a board already indexed is written only where it differs.
 */
export async function readBoardSearchShapes(sql: Sql, boardId: string): Promise<{ indexed: boolean; shapes: TBoardSearchShape[] } | null> {
  const rows = await sql<{ indexed: boolean; shapeId: string | null; title: string | null; prompt: string | null }[]>`
    SELECT b.shots_indexed_at IS NOT NULL AS indexed, s.shape_id AS "shapeId", s.title, s.prompt
    FROM boards b LEFT JOIN board_search_shapes s ON s.board_id = b.id
    WHERE b.id = ${boardId} ORDER BY s.shape_id`
  if (rows.length === 0) return null
  const shapes: TBoardSearchShape[] = []
  for (const r of rows) if (r.shapeId !== null) shapes.push({ shapeId: r.shapeId, title: r.title ?? '', prompt: r.prompt ?? '' })
  return { indexed: rows[0]!.indexed, shapes }
}

/**
 * Replaces a board's indexed shots with these (the collab-server calls it when they changed) and
 * marks the board indexed. `ifUnindexed`: only when the board was never indexed (the start-up
 * backfill, which must not overwrite what an open board's room wrote meanwhile); false when it was.
 */
export async function replaceBoardSearchShapes(sql: Sql, opts: { boardId: string; shapes: TBoardSearchShape[]; ifUnindexed?: boolean }): Promise<boolean> {
  const written = await replaceBoardsSearchShapes(sql, [{ boardId: opts.boardId, shapes: opts.shapes }], { ifUnindexed: opts.ifUnindexed })
  return written.length === 1
}

/**
 * What to write of one board's shots: all of them (`replace`: its rows become exactly these), or
 * only what changed since the last write (`shapes` new or changed, `removed` gone).
 */
export interface TBoardSearchChanges {
  boardId: string
  replace: boolean
  shapes: TBoardSearchShape[]
  /** Shots no longer on the board; empty with `replace`. */
  removed: string[]
}

/**
 * `replaceBoardSearchShapes` for many boards in one transaction of four statements in two round
 * trips, whatever their number (a collab-server instance writes every board whose shots changed at once).
 * Returns the ids of the boards written: a board that no longer exists is skipped, and so is an
 * indexed one with `ifUnindexed`. Board rows are locked in id order, as the update log's appends
 * lock them, so two writers never wait on each other in a circle.
 */
export async function replaceBoardsSearchShapes(
  sql: Sql,
  boards: { boardId: string; shapes: TBoardSearchShape[] }[],
  opts: { ifUnindexed?: boolean } = {},
): Promise<string[]> {
  return writeBoardsSearchShapes(sql, boards.map((b) => ({ boardId: b.boardId, replace: true, shapes: b.shapes, removed: [] })), opts)
}

/**
 * Writes the shots of many boards, each board replaced whole or changed by what changed (a shot
 * edited on a board of 5,000 writes one row, not 5,000), whatever their number:
 * - when every board is changed in part (a busy instance's steady state: hundreds of boards a
 *   second), in one statement and one round trip: the boards are locked, then the changed shots
 *   are upserted and the removed ones deleted;
 * - otherwise in one transaction of two round trips: the boards are locked, then the writes are
 *   pipelined, and a board replaced whole is marked indexed.
 * Boards are locked in id order, as the update log's appends lock them, so two writers never wait
 * on each other in a circle, and before any of their search rows. Each board comes once in
 * `boards`. Returns the ids of the boards written: a board that no longer exists is skipped, and so
 * is an indexed one with `ifUnindexed`.
 */
export async function writeBoardsSearchShapes(sql: Sql, boards: TBoardSearchChanges[], opts: { ifUnindexed?: boolean } = {}): Promise<string[]> {
  if (boards.length === 0) return []
  const wanted = [...new Set(boards.map((b) => b.boardId))].sort()
  if (!opts.ifUnindexed && boards.every((b) => !b.replace)) return writeSearchChangesAtOnce(sql, wanted, boards)
  return sql.begin(async (tx) => {
    const locked = await tx<{ id: string; indexed: boolean }[]>`
      SELECT id, shots_indexed_at IS NOT NULL AS indexed FROM boards WHERE id = ANY(${wanted}::uuid[]) ORDER BY id FOR UPDATE`
    const ids = locked.filter((b) => !(opts.ifUnindexed && b.indexed)).map((b) => b.id)
    if (ids.length === 0) return []
    const writing = new Set(ids)
    const written = boards.filter((b) => writing.has(b.boardId))
    const replaced = [...new Set(written.filter((b) => b.replace).map((b) => b.boardId))]
    // What leaves a board written in part: its removed shots, and the old rows of its changed ones.
    const gone = written.filter((b) => !b.replace).flatMap((b) => [...b.removed, ...b.shapes.map((s) => s.shapeId)].map((shapeId) => ({ boardId: b.boardId, shapeId })))
    const rows = written.flatMap((b) => b.shapes.map((s) => ({ ...s, boardId: b.boardId })))
    // Arrays, not lists: one prepared statement each whatever the number of boards.
    const statements = []
    if (replaced.length > 0) {
      statements.push(
        // Marked once: a board row rewritten at every store would only bloat the table.
        tx`UPDATE boards SET shots_indexed_at = now() WHERE id = ANY(${replaced}::uuid[]) AND shots_indexed_at IS NULL`,
        tx`DELETE FROM board_search_shapes WHERE board_id = ANY(${replaced}::uuid[])`,
      )
    }
    if (gone.length > 0) {
      statements.push(tx`
        DELETE FROM board_search_shapes s USING unnest(${gone.map((g) => g.boardId)}::uuid[], ${gone.map((g) => g.shapeId)}::text[]) AS g(board_id, shape_id)
        WHERE s.board_id = g.board_id AND s.shape_id = g.shape_id`)
    }
    if (rows.length > 0) {
      statements.push(tx`
        INSERT INTO board_search_shapes (board_id, shape_id, title, prompt)
        SELECT * FROM unnest(${rows.map((r) => r.boardId)}::uuid[], ${rows.map((r) => r.shapeId)}::text[], ${rows.map((r) => r.title)}::text[], ${rows.map((r) => r.prompt)}::text[])`)
    }
    await Promise.all(statements)
    return ids
  })
}

/**
 * `writeBoardsSearchShapes` of boards changed in part, as one statement. `locked` is read by both
 * writes' filters before they touch a row (a hashed subplan is built whole on first use) and by the
 * result, so the boards are locked first, and even when nothing else reads them; a changed shot's
 * row is updated in place. No board both changes and removes one shot (`removed` holds shots gone).
 */
async function writeSearchChangesAtOnce(sql: Sql, wanted: string[], boards: TBoardSearchChanges[]): Promise<string[]> {
  const gone = boards.flatMap((b) => b.removed.map((shapeId) => ({ boardId: b.boardId, shapeId })))
  const rows = boards.flatMap((b) => b.shapes.map((s) => ({ ...s, boardId: b.boardId })))
  const locked = await sql<{ id: string }[]>`
    WITH locked AS MATERIALIZED (
      SELECT id FROM boards WHERE id = ANY(${wanted}::uuid[]) ORDER BY id FOR UPDATE
    ), gone AS (
      DELETE FROM board_search_shapes s USING unnest(${gone.map((g) => g.boardId)}::uuid[], ${gone.map((g) => g.shapeId)}::text[]) AS g(board_id, shape_id)
      WHERE s.board_id = g.board_id AND s.shape_id = g.shape_id AND g.board_id IN (SELECT id FROM locked)
    ), put AS (
      INSERT INTO board_search_shapes (board_id, shape_id, title, prompt)
      SELECT * FROM unnest(${rows.map((r) => r.boardId)}::uuid[], ${rows.map((r) => r.shapeId)}::text[], ${rows.map((r) => r.title)}::text[], ${rows.map((r) => r.prompt)}::text[]) AS r(board_id, shape_id, title, prompt)
      WHERE r.board_id IN (SELECT id FROM locked)
      ON CONFLICT (board_id, shape_id) DO UPDATE SET title = excluded.title, prompt = excluded.prompt, updated_at = now()
    )
    SELECT id FROM locked`
  return locked.map((b) => b.id)
}

/**
 * Boards whose shots were never indexed (oldest first), for the collab-server's start-up backfill;
 * of one workspace when `workspaceId` is given.
 */
export async function listUnindexedBoards(sql: Sql, opts: { limit: number; after?: { createdAt: Date; id: string }; workspaceId?: string }): Promise<{ id: string; createdAt: Date }[]> {
  return sql<{ id: string; createdAt: Date }[]>`
    SELECT id, created_at AS "createdAt" FROM boards
    WHERE shots_indexed_at IS NULL ${opts.after ? sql`AND (created_at, id) > (${opts.after.createdAt}, ${opts.after.id})` : sql``}
      ${opts.workspaceId ? sql`AND workspace_id = ${opts.workspaceId}` : sql``}
    ORDER BY created_at, id LIMIT ${opts.limit}`
}
