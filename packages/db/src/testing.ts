import { createDb, type Sql } from './client'
import { ensureDatabase, migrate } from './migrate'

/** The database tests use; never the one `npm start` serves. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/montage_test'

/** Opens the test database, creating and migrating it first. Tests make their own rows with fresh ids. */
export async function openTestDb(): Promise<Sql> {
  await ensureDatabase(TEST_DATABASE_URL)
  const sql = createDb({ url: TEST_DATABASE_URL, max: 5 })
  await migrate(sql)
  return sql
}
