// `npm run migrate`: applies the migrations to DATABASE_URL and exits (0 done, 1 failed, 78 bad
// environment). Its own command so that services never migrate at boot: the dev stack, the test
// harnesses and the chart's migrations job run it first.
import { z } from 'zod'
import { exitOnEnvError, parseEnv } from '@montage/core'
import { databaseOptions, withConnectionChecks, ZDatabaseEnv } from '@montage/runtime/config'
import { createLogger, ZLogLevel } from '@montage/runtime/log'
import { createDb } from './client'
import { ensureDatabase, migrate } from './migrate'

const env = exitOnEnvError(() => parseEnv(withConnectionChecks(z.object({ ...ZDatabaseEnv.shape, LOG_LEVEL: ZLogLevel }))))
const db = exitOnEnvError(() => databaseOptions(env))
const log = createLogger('migrate', { level: env.LOG_LEVEL })

async function applyMigrations(): Promise<string[]> {
  const sql = createDb({ ...db, max: 1 })
  try {
    return (await migrate(sql)).applied
  } finally {
    await sql.end({ timeout: 5 })
  }
}

try {
  let applied: string[]
  try {
    applied = await applyMigrations()
  } catch (e) {
    // A fresh server (the dev stack, a new test database): make the database, then migrate it.
    if ((e as { code?: string }).code !== '3D000') throw e
    const name = new URL(db.url).pathname.slice(1)
    log.info({ database: name }, 'database does not exist; creating it')
    await ensureDatabase(db.url, db.ssl)
    applied = await applyMigrations()
  }
  log.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'database up to date')
} catch (e) {
  log.fatal({ err: e }, `migration failed: ${e instanceof Error ? e.message : String(e)}`)
  process.exitCode = 1
}
