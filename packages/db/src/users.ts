import type { Sql } from './client'

export interface TUserRow {
  id: string
  authSubject: string
  name: string
  email: string | null
}

/** Finds the user for a token subject, creating them on first sight. */
export async function upsertUser(sql: Sql, opts: { authSubject: string; name: string; email?: string | null }): Promise<TUserRow> {
  const [row] = await sql<TUserRow[]>`
    INSERT INTO users (auth_subject, name, email)
    VALUES (${opts.authSubject}, ${opts.name}, ${opts.email ?? null})
    ON CONFLICT (auth_subject) DO UPDATE SET auth_subject = EXCLUDED.auth_subject
    RETURNING id, auth_subject AS "authSubject", name, email`
  return row!
}

export async function findUserBySubject(sql: Sql, authSubject: string): Promise<TUserRow | null> {
  const [row] = await sql<TUserRow[]>`
    SELECT id, auth_subject AS "authSubject", name, email FROM users WHERE auth_subject = ${authSubject}`
  return row ?? null
}

export async function findUserById(sql: Sql, userId: string): Promise<TUserRow | null> {
  const [row] = await sql<TUserRow[]>`
    SELECT id, auth_subject AS "authSubject", name, email FROM users WHERE id = ${userId}`
  return row ?? null
}

export async function listUsers(sql: Sql): Promise<TUserRow[]> {
  return sql<TUserRow[]>`SELECT id, auth_subject AS "authSubject", name, email FROM users ORDER BY created_at`
}
