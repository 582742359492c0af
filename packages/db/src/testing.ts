import { randomUUID } from 'node:crypto'
import type { TRole } from '@montage/core'
import { createBoard, type TBoardRow } from './boards'
import { createDb, type Sql } from './client'
import { grantCredits } from './grant-credits'
import { upsertUser, type TUserRow } from './users'
import { addMember, createWorkspace, type TWorkspaceRow } from './workspaces'
import { dropDatabase, ensureDatabase, migrate } from './migrate'

/** The database tests use; never the one `npm start` serves. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/montage_test'

/** Opens the test database, creating and migrating it first. Tests make their own rows with fresh ids. */
export async function openTestDb(): Promise<Sql> {
  return openEmptyDb(TEST_DATABASE_URL)
}

/** The database the benches seed (`montage_bench` unless `BENCH_DATABASE_URL` says otherwise); never a test's or `npm start`'s. */
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/montage_bench'

/**
 * Opens the bench database empty: dropped (its open connections closed), created and migrated
 * again, so that every run measures the same state instead of one grown by the runs before it.
 * Only a database whose name says `bench` is dropped: a `BENCH_DATABASE_URL` set to the one
 * `npm start` serves, or the tests', is refused before anything is touched.
 */
export async function openFreshBenchDb(url = BENCH_DATABASE_URL): Promise<Sql> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1))
  if (!name.includes('bench')) {
    throw new Error(`The bench drops and recreates its database at every run, so its name must contain "bench"; BENCH_DATABASE_URL names "${name}".`)
  }
  await dropDatabase(url)
  return openEmptyDb(url)
}

async function openEmptyDb(url: string): Promise<Sql> {
  await ensureDatabase(url)
  const sql = createDb({ url, max: 5 })
  await migrate(sql)
  return sql
}

export interface TTestStudioOptions {
  /** The owner's display name ('Sam Owner' unless told). */
  ownerName?: string
  workspaceName?: string
  /** Further members, each a fresh user with this name and role, returned in the same order. */
  members?: { name: string; role: TRole }[]
  /** Boards to make, by name, created by the owner. */
  boards?: string[]
  /** Credits granted to the workspace (none unless told). */
  credits?: number
}

export interface TTestStudio {
  owner: TUserRow
  ws: TWorkspaceRow
  members: TUserRow[]
  boards: TBoardRow[]
}

/** A workspace of its own for one test: an owner with a fresh subject, members, boards and credits as asked. */
export async function createTestStudio(sql: Sql, opts: TTestStudioOptions = {}): Promise<TTestStudio> {
  const freshUser = (name: string) => upsertUser(sql, { authSubject: `test:${randomUUID()}`, name })
  const owner = await freshUser(opts.ownerName ?? 'Sam Owner')
  const ws = await createWorkspace(sql, { name: opts.workspaceName ?? 'Studio', ownerId: owner.id })
  const members: TUserRow[] = []
  for (const m of opts.members ?? []) {
    const user = await freshUser(m.name)
    await addMember(sql, { workspaceId: ws.id, userId: user.id, role: m.role })
    members.push(user)
  }
  if (opts.credits) await grantCredits(sql, { workspaceId: ws.id, amount: opts.credits, note: 'test' })
  const boards: TBoardRow[] = []
  for (const name of opts.boards ?? []) boards.push(await createBoard(sql, { workspaceId: ws.id, name, createdBy: owner.id }))
  return { owner, ws, members, boards }
}
