import { describe, expect, it } from 'vitest'
import { openFreshBenchDb, openTestDb, TEST_DATABASE_URL } from '../src/testing'

describe('openFreshBenchDb', () => {
  it('refuses a database whose name does not say bench before touching anything', async () => {
    // A name that exists nowhere: were the guard gone, the bench would make it (and a test run's own database is not put at risk).
    const url = new URL(TEST_DATABASE_URL)
    url.pathname = '/montage_guard_probe'
    await expect(openFreshBenchDb(url.toString())).rejects.toThrow(/must contain "bench"; BENCH_DATABASE_URL names "montage_guard_probe"/)
    const sql = await openTestDb()
    try {
      expect(await sql`SELECT 1 FROM pg_database WHERE datname = 'montage_guard_probe'`).toHaveLength(0)
    } finally {
      await sql.end()
    }
  })
})
