import type { Sql } from './client'

/** Whether anyone can sign in with a password here yet (a new install has no one: its first account becomes an owner). */
export async function hasPasswordAccounts(sql: Sql): Promise<boolean> {
  const [row] = await sql`SELECT 1 FROM password_credentials LIMIT 1`
  return !!row
}
