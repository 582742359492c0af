import type { Sql } from './client'
import type { TUserRow } from './users'

/** The account that signs in with this email (already lower-cased), with its stored hash; null when there is none. */
export async function findPasswordCredential(sql: Sql, email: string): Promise<{ user: TUserRow; passwordHash: string } | null> {
  const [row] = await sql<(TUserRow & { passwordHash: string })[]>`
    SELECT u.id, u.auth_subject AS "authSubject", u.name, u.email, p.password_hash AS "passwordHash"
    FROM password_credentials p JOIN users u ON u.id = p.user_id WHERE p.email = ${email}`
  if (!row) return null
  const { passwordHash, ...user } = row
  return { user, passwordHash }
}
