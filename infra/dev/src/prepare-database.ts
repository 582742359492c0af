import { createDb, ensureDatabase, migrate, type CreateDbOptions } from '@montage/db'

/**
 * Creates the database if needed and applies migrations (what `npm run migrate` does), in this
 * process; returns what was applied. The dev stack and the test harnesses call it before they start
 * services, which never migrate themselves.
 */
export async function prepareDatabase(url: string, ssl?: CreateDbOptions['ssl']): Promise<string[]> {
  await ensureDatabase(url, ssl)
  const sql = createDb({ url, max: 1, ssl })
  try {
    return (await migrate(sql)).applied
  } finally {
    await sql.end()
  }
}
