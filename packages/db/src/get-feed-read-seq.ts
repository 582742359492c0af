import type { Sql } from './client'

/** The last feed entry a member has read in a workspace; 0 when they never opened the feed. */
export async function getFeedReadSeq(sql: Sql, opts: { userId: string; workspaceId: string }): Promise<number> {
  const [row] = await sql<{ readSeq: string }[]>`
    SELECT read_seq AS "readSeq" FROM feed_reads WHERE user_id = ${opts.userId} AND workspace_id = ${opts.workspaceId}`
  return row ? Number(row.readSeq) : 0
}
