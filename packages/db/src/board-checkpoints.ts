import type { Sql } from './client'

export interface TBoardCheckpoint {
  id: string
  boardId: string
  name: string
  createdBy: string | null
  createdAt: Date
}

interface CheckpointRow {
  id: string
  board_id: string
  name: string
  created_by: string | null
  created_at: Date
}

function toCheckpoint(r: CheckpointRow): TBoardCheckpoint {
  return { id: r.id, boardId: r.board_id, name: r.name, createdBy: r.created_by, createdAt: r.created_at }
}

/**
 * Stores a named copy of a board's full state (an encoded Yjs document). With an `id`, creating
 * it again returns the first one unchanged (a redelivered command).
 */
export async function createBoardCheckpoint(sql: Sql, opts: { id?: string; boardId: string; name: string; snapshot: Uint8Array; createdBy: string | null }): Promise<TBoardCheckpoint> {
  const [row] = await sql<CheckpointRow[]>`
    INSERT INTO board_checkpoints (id, board_id, name, snapshot, created_by)
    VALUES (${opts.id ?? sql`gen_random_uuid()`}, ${opts.boardId}, ${opts.name}, ${Buffer.from(opts.snapshot)}, ${opts.createdBy})
    ON CONFLICT (id) DO NOTHING
    RETURNING id, board_id, name, created_by, created_at`
  if (row) return toCheckpoint(row)
  const [existing] = await sql<CheckpointRow[]>`SELECT id, board_id, name, created_by, created_at FROM board_checkpoints WHERE id = ${opts.id!}`
  return toCheckpoint(existing!)
}

/** How many checkpoints a board holds (its quota counts them). */
export async function countBoardCheckpoints(sql: Sql, boardId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM board_checkpoints WHERE board_id = ${boardId}`
  return row!.n
}

/** A board's checkpoints, newest first, without their (large) snapshots. */
export async function listBoardCheckpoints(sql: Sql, boardId: string): Promise<TBoardCheckpoint[]> {
  const rows = await sql<CheckpointRow[]>`
    SELECT id, board_id, name, created_by, created_at FROM board_checkpoints WHERE board_id = ${boardId} ORDER BY created_at DESC, id`
  return rows.map(toCheckpoint)
}

export async function getBoardCheckpoint(sql: Sql, opts: { boardId: string; checkpointId: string }): Promise<(TBoardCheckpoint & { snapshot: Uint8Array }) | null> {
  const [row] = await sql<(CheckpointRow & { snapshot: Buffer })[]>`
    SELECT id, board_id, name, created_by, created_at, snapshot FROM board_checkpoints WHERE id = ${opts.checkpointId} AND board_id = ${opts.boardId}`
  return row ? { ...toCheckpoint(row), snapshot: new Uint8Array(row.snapshot) } : null
}
