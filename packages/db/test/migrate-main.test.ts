import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { assertMigrated, createDb, DatabaseNotMigratedError, ensureDatabase, migrate, pendingMigrations } from '../src'

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SERVER = 'postgres://postgres@127.0.0.1:5432'

/** `npm run migrate` as the root script runs it (tsx), with `env`; its exit code and output. */
function runMigrate(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/migrate-main.ts'], { cwd: PACKAGE, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (b: Buffer) => (output += b.toString()))
    child.stderr.on('data', (b: Buffer) => (output += b.toString()))
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code, output }))
  })
}

async function dropDatabase(name: string): Promise<void> {
  const admin = createDb({ url: `${SERVER}/postgres`, max: 1 })
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`)
  await admin.end()
}

describe('assertMigrated', () => {
  it('stops a service on a database behind the code, saying what to run; passes once migrated', async () => {
    const name = `montage_unmigrated_${process.pid}`
    await ensureDatabase(`${SERVER}/${name}`)
    const sql = createDb({ url: `${SERVER}/${name}`, max: 2 })
    try {
      const error = await assertMigrated(sql).then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(DatabaseNotMigratedError)
      expect((error as Error).message).toMatch(/not migrated \(\d+ pending: 0001_init, .*\)\. Run `npm run migrate`/)
      await migrate(sql)
      await expect(assertMigrated(sql)).resolves.toBeUndefined()
      // One migration missing (a release ahead of its database) is named.
      const last = (await sql<{ version: string }[]>`SELECT max(version) AS version FROM schema_migrations`)[0]!.version
      await sql`DELETE FROM schema_migrations WHERE version = ${last}`
      expect(await pendingMigrations(sql)).toEqual([last])
    } finally {
      await sql.end()
      await dropDatabase(name)
    }
  })
})

describe('npm run migrate (migrate-main.ts)', () => {
  it('creates and migrates a new database, then finds it up to date; exit 0 both times', async () => {
    const name = `montage_migrate_main_${process.pid}`
    try {
      const first = await runMigrate({ DATABASE_URL: `${SERVER}/${name}` })
      expect(first.code, first.output).toBe(0)
      expect(first.output).toMatch(/"msg":"applied \d+ migration\(s\)"/)
      const second = await runMigrate({ DATABASE_URL: `${SERVER}/${name}` })
      expect(second.code, second.output).toBe(0)
      expect(second.output).toMatch(/"msg":"database up to date"/)
      const sql = createDb({ url: `${SERVER}/${name}`, max: 1 })
      await assertMigrated(sql).finally(() => sql.end())
    } finally {
      await dropDatabase(name)
    }
  })

  it('exits 1 with the reason when the server cannot be reached, and 78 naming a malformed DATABASE_URL', async () => {
    const unreachable = await runMigrate({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/montage' })
    expect(unreachable.code).toBe(1)
    expect(unreachable.output).toMatch(/migration failed: connect ECONNREFUSED/)
    const malformed = await runMigrate({ DATABASE_URL: 'nope' })
    expect(malformed.code).toBe(78)
    expect(malformed.output).toMatch(/DATABASE_URL: must be a URL/)
  })
})
