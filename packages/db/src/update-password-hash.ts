import type { Sql } from './client'

/** Replaces a stored hash (a sign-in rehashes one made with weaker KDF parameters). */
export async function updatePasswordHash(sql: Sql, opts: { userId: string; passwordHash: string }): Promise<void> {
  await sql`UPDATE password_credentials SET password_hash = ${opts.passwordHash}, updated_at = now() WHERE user_id = ${opts.userId}`
}
