// Creates and migrates the database in DATABASE_URL (a scratch one for local development).
import { createDb, ensureDatabase, migrate } from '@montage/db'

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/montage'
await ensureDatabase(url)
const sql = createDb({ url, max: 1 })
try {
  const { applied } = await migrate(sql)
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'database up to date')
} finally {
  await sql.end()
}
