import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { createDb, type CreateDbOptions, type Sql } from './client'

// Built from the path, not `new URL('../migrations/', import.meta.url)`: bundlers (Next's Turbopack)
// treat that form as an asset import of a folder and fail the build of any app importing @montage/db.
const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations')
/** Any fixed number: serialises concurrent migrators (several services start at once). */
const MIGRATION_LOCK = 7_302_119

export interface MigrateResult {
  applied: string[]
}

async function migrationFiles(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort()
}

/**
 * Applies every migration not yet recorded, in file-name order. Services never call it: `npm run
 * migrate` (`migrate-main.ts`), the dev stack and the test harnesses do, before services start.
 */
export async function migrate(sql: Sql): Promise<MigrateResult> {
  const files = await migrationFiles()
  const applied: string[] = []
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`
    const done = new Set((await tx<{ version: string }[]>`SELECT version FROM schema_migrations`).map((r) => r.version))
    for (const file of files) {
      const version = file.replace(/\.sql$/, '')
      if (done.has(version)) continue
      const text = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8')
      await tx.unsafe(text)
      await tx`INSERT INTO schema_migrations (version) VALUES (${version})`
      applied.push(version)
    }
  })
  return { applied }
}

/** The migrations this code knows that the database has not applied (all of them on an empty database). */
export async function pendingMigrations(sql: Sql): Promise<string[]> {
  const known = (await migrationFiles()).map((f) => f.replace(/\.sql$/, ''))
  let done: Set<string>
  try {
    done = new Set((await sql<{ version: string }[]>`SELECT version FROM schema_migrations`).map((r) => r.version))
  } catch (e) {
    if ((e as { code?: string }).code === '42P01') return known // no schema_migrations table: never migrated
    throw e
  }
  return known.filter((v) => !done.has(v))
}

export class DatabaseNotMigratedError extends Error {
  override name = 'DatabaseNotMigratedError'
  constructor(readonly pending: string[]) {
    const shown = pending.length > 3 ? `${pending.slice(0, 3).join(', ')} and ${pending.length - 3} more` : pending.join(', ')
    super(`The database is not migrated (${pending.length} pending: ${shown}). Run \`npm run migrate\` (in a deployment, the migrations job) before starting the services.`)
  }
}

/**
 * Services call this at start instead of migrating: a database behind the code stops the process
 * with what to run. A database ahead of it (a newer release migrated first) is fine: migrations
 * only add.
 */
export async function assertMigrated(sql: Sql): Promise<void> {
  const pending = await pendingMigrations(sql)
  if (pending.length) throw new DatabaseNotMigratedError(pending)
}

/** Creates the database named in `url` when it does not exist yet (connects to `postgres`). */
export async function ensureDatabase(url: string, ssl?: CreateDbOptions['ssl']): Promise<void> {
  const name = databaseName(url)
  await withServer(url, ssl, async (sql) => {
    const rows = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`
    if (rows.length > 0) return
    try {
      await sql.unsafe(`CREATE DATABASE ${name}`)
    } catch (e) {
      // Another process created it between our check and our CREATE.
      if ((e as { code?: string }).code !== '42P04') throw e
    }
  })
}

/** Drops the database named in `url` if it exists, closing its open connections first (PostgreSQL 13 or later). */
export async function dropDatabase(url: string, ssl?: CreateDbOptions['ssl']): Promise<void> {
  const name = databaseName(url)
  await withServer(url, ssl, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
}

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1))
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`Database name "${name}" must match [a-z0-9_]+`)
  return name
}

/** Runs `work` on a connection to the server's `postgres` database, for statements about other databases. */
async function withServer(url: string, ssl: CreateDbOptions['ssl'], work: (sql: Sql) => Promise<unknown>): Promise<void> {
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const sql = createDb({ url: admin.toString(), max: 1, ssl })
  try {
    await work(sql)
  } finally {
    await sql.end()
  }
}
