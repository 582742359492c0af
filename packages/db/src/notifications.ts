import type { Sql } from './client'

export type TEmailPreference = 'off' | 'mentions' | 'all'
export const DEFAULT_EMAIL_PREFERENCE: TEmailPreference = 'mentions'

export async function getEmailPreference(sql: Sql, userId: string): Promise<TEmailPreference> {
  const [row] = await sql<{ email: TEmailPreference }[]>`SELECT email FROM notification_preferences WHERE user_id = ${userId}`
  return row?.email ?? DEFAULT_EMAIL_PREFERENCE
}

export async function setEmailPreference(sql: Sql, opts: { userId: string; email: TEmailPreference }): Promise<TEmailPreference> {
  const [row] = await sql<{ email: TEmailPreference }[]>`
    INSERT INTO notification_preferences (user_id, email) VALUES (${opts.userId}, ${opts.email})
    ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, updated_at = now()
    RETURNING email`
  return row!.email
}

/** The people to email among `userIds`: members of the workspace with an address, each with their preference. */
export async function listEmailRecipients(sql: Sql, opts: { workspaceId: string; userIds: string[] }): Promise<{ id: string; name: string; email: string; preference: TEmailPreference }[]> {
  if (opts.userIds.length === 0) return []
  const rows = await sql<{ id: string; name: string; email: string | null; preference: TEmailPreference | null }[]>`
    SELECT u.id, u.name, coalesce(pc.email, u.email) AS email, np.email AS preference
      FROM users u
      JOIN memberships m ON m.user_id = u.id AND m.workspace_id = ${opts.workspaceId}
      LEFT JOIN password_credentials pc ON pc.user_id = u.id
      LEFT JOIN notification_preferences np ON np.user_id = u.id
     WHERE u.id = ANY(${opts.userIds}::uuid[])`
  return rows.filter((r) => r.email).map((r) => ({ id: r.id, name: r.name, email: r.email!, preference: r.preference ?? DEFAULT_EMAIL_PREFERENCE }))
}

/**
 * Who hears about a new comment besides the people it mentions: everyone who wrote in its thread,
 * whoever started the commented variation, and the shot's owner (whoever started its first
 * generation). Members of the workspace only; the author is left out by the caller.
 */
export async function listCommentAudience(sql: Sql, opts: { boardId: string; variationId: string; threadId: string }): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    SELECT DISTINCT a.id FROM (
      SELECT author_id AS id FROM comments
       WHERE board_id = ${opts.boardId} AND (id = ${opts.threadId} OR parent_id = ${opts.threadId}) AND author_id IS NOT NULL
      UNION
      SELECT created_by FROM generations WHERE board_id = ${opts.boardId} AND variation_id = ${opts.variationId}
      UNION
      (SELECT s.created_by FROM generations g
         JOIN generations s ON s.board_id = g.board_id AND s.shot_id = g.shot_id
        WHERE g.board_id = ${opts.boardId} AND g.variation_id = ${opts.variationId}
        ORDER BY s.created_at LIMIT 1)
    ) a
    JOIN boards b ON b.id = ${opts.boardId}
    JOIN memberships m ON m.user_id = a.id AND m.workspace_id = b.workspace_id`
  return rows.map((r) => r.id)
}
