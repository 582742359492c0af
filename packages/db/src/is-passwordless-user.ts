import type { Sql } from './client'

/** Whether a user has no password: the demo people and those made by name in demo mode. Demo sign-in may only be them. */
export async function isPasswordlessUser(sql: Sql, userId: string): Promise<boolean> {
  const [row] = await sql`SELECT 1 FROM password_credentials WHERE user_id = ${userId}`
  return !row
}
