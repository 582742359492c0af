import { isUuid } from '@montage/core'
import type { Queryable, Sql } from './client'
import { readBinaryCopyColumn } from './copy-binary-column'

/** Appends Yjs updates of one board (already merged by the caller) and touches the board. */
export async function appendBoardUpdate(sql: Sql, opts: { boardId: string; update: Uint8Array }): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`INSERT INTO board_updates (board_id, update) VALUES (${opts.boardId}, ${Buffer.from(opts.update)})`
    await tx`UPDATE boards SET updated_at = now() WHERE id = ${opts.boardId}`
  })
}

/**
 * The stored document of a board: its snapshot (when compacted) first, then the log rows.
 * One statement, so a compaction running meanwhile cannot make us read the new snapshot
 * without the rows it folded, nor the old snapshot without the rows it deleted.
 */
export async function loadBoardUpdates(sql: Queryable, boardId: string): Promise<Uint8Array[]> {
  // COPY takes no parameters, so the id is written into the statement: only ever a uuid.
  if (!isUuid(boardId)) throw new Error(`loadBoardUpdates: ${JSON.stringify(boardId.slice(0, 60))} is not a board id (a uuid)`)
  const id = boardId.toLowerCase()
  // As binary COPY: the bytes as they are stored. postgres.js reads query results as text, where a
  // bytea is hex (two characters a byte) or, encoded by the database, base64 (four for three); a
  // board of 10,000 shapes (4.8 MB) arrived in 25 to 55 ms as base64 against 6 to 18 as binary COPY.
  // On a connection of its own: postgres.js pipelines statements onto busy pool connections, and
  // one that reaches a connection while its COPY streams fails (COPY_IN_PROGRESS). A transaction or
  // a reserved connection (no `reserve` of its own) is the caller's alone already.
  const reserved = 'reserve' in sql && typeof sql.reserve === 'function' ? await sql.reserve() : null
  try {
    const stream = await (reserved ?? sql).unsafe(`
      COPY (
        SELECT update FROM (
          SELECT 0 AS part, 0::bigint AS id, snapshot AS update FROM board_snapshots WHERE board_id = '${id}'::uuid
          UNION ALL
          SELECT 1 AS part, id, update FROM board_updates WHERE board_id = '${id}'::uuid
        ) doc ORDER BY part, id
      ) TO STDOUT (FORMAT binary)`).readable()
    return await readBinaryCopyColumn(stream, `the stored updates of board ${id}`)
  } finally {
    reserved?.release()
  }
}

/**
 * Appends updates of several boards in one statement: one round trip and one commit (one fsync)
 * for a whole batch (group commit), prepared once whatever the batch's size. The boards are locked
 * in id order before anything else, as every writer of several boards locks them
 * (`replaceBoardsSearchShapes`), so two writers never deadlock: the statement's only other locks
 * are the foreign-key checks of the inserted rows, taken at its end on rows it holds already.
 *
 * The updates travel as one run of bytes cut by offsets: postgres.js sends parameters as text, and a
 * `bytea[]` costs each element's hex, escaped and quoted again by regular expressions and joined,
 * where one value is one native encoding. That value is base64 (4 characters for 3 bytes, where a
 * `bytea`'s hex takes 6), decoded once by the database (a materialized WITH: inline, it would be
 * decoded again for every row); with 25 boards' updates of 1.2 KB, the call costs this process
 * about a fifth less CPU.
 */
export async function appendBoardUpdates(sql: Sql, entries: { boardId: string; update: Uint8Array }[]): Promise<void> {
  if (entries.length === 0) return
  const boardIds = [...new Set(entries.map((e) => e.boardId))].sort()
  const starts: number[] = []
  let next = 1 // substring counts from 1
  for (const e of entries) {
    starts.push(next)
    next += e.update.byteLength
  }
  const all = Buffer.concat(entries.map((e) => e.update))
  // A data-modifying WITH runs, to completion, whether or not the statement reads it.
  await sql`
    WITH locked AS (
      UPDATE boards SET updated_at = now() WHERE id IN (SELECT id FROM boards WHERE id = ANY(${boardIds}::uuid[]) ORDER BY id FOR UPDATE)
    ), batch AS MATERIALIZED (SELECT decode(${all.toString('base64')}, 'base64') AS bytes)
    INSERT INTO board_updates (board_id, update)
    SELECT board_id, substring(batch.bytes FROM start FOR length)
    FROM batch, unnest(${entries.map((e) => e.boardId)}::uuid[], ${starts}::int[], ${entries.map((e) => e.update.byteLength)}::int[]) AS u(board_id, start, length)`
}
