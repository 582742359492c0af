import { createDb, ensureDatabase, migrate } from '@montage/db'

/** Creates the database if needed and applies migrations; returns what was applied. */
export async function prepareDatabase(url: string): Promise<string[]> {
  await ensureDatabase(url)
  const sql = createDb({ url, max: 1 })
  try {
    return (await migrate(sql)).applied
  } finally {
    await sql.end()
  }
}
