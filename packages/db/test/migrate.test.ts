import { describe, expect, it } from 'vitest'
import { createDb, ensureDatabase, migrate } from '../src'

describe('migrate', () => {
  it('applies every migration to a new database once; concurrent and repeated runs apply nothing more', async () => {
    const url = `postgres://postgres@127.0.0.1:5432/montage_migrate_${process.pid}`
    await ensureDatabase(url)
    const sql = createDb({ url, max: 4 })
    try {
      const runs = await Promise.all([migrate(sql), migrate(sql), migrate(sql)])
      const applied = runs.flatMap((r) => r.applied)
      expect(applied).toContain('0001_init')
      expect(new Set(applied).size).toBe(applied.length)
      expect((await migrate(sql)).applied).toEqual([])
      const tables = await sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['users', 'workspaces', 'memberships', 'boards', 'assets', 'generations', 'credit_ledger', 'board_updates', 'board_snapshots', 'board_checkpoints']))
    } finally {
      await sql.end()
      const admin = createDb({ url: url.replace(/\/[^/]+$/, '/postgres'), max: 1 })
      await admin.unsafe(`DROP DATABASE IF EXISTS montage_migrate_${process.pid}`)
      await admin.end()
    }
  })
})
