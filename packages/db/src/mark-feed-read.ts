import type { Sql } from './client'

/** Moves a member's read marker forward (never back: two tabs marking out of order keep the later one). */
export async function markFeedRead(sql: Sql, opts: { userId: string; workspaceId: string; seq: number }): Promise<number> {
  const [row] = await sql<{ readSeq: string }[]>`
    INSERT INTO feed_reads (user_id, workspace_id, read_seq) VALUES (${opts.userId}, ${opts.workspaceId}, ${opts.seq})
    ON CONFLICT (user_id, workspace_id) DO UPDATE SET read_seq = greatest(feed_reads.read_seq, EXCLUDED.read_seq), updated_at = now()
    RETURNING read_seq AS "readSeq"`
  return Number(row!.readSeq)
}
