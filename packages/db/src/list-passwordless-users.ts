import type { Sql } from './client'
import type { TUserRow } from './users'

/** Users without a password (the demo people, and people made by name in demo mode): the only ones demo sign-in offers. */
export async function listPasswordlessUsers(sql: Sql, opts: { authSubjectPrefix: string }): Promise<TUserRow[]> {
  return sql<TUserRow[]>`
    SELECT u.id, u.auth_subject AS "authSubject", u.name, u.email FROM users u
    WHERE u.auth_subject LIKE ${`${opts.authSubjectPrefix}%`}
      AND NOT EXISTS (SELECT 1 FROM password_credentials p WHERE p.user_id = u.id)
    ORDER BY u.created_at LIMIT 200`
}
