import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addMember,
  appendBoardUpdate,
  changeMemberRole,
  createWorkspaceInvite,
  createInvitedAccount,
  redeemWorkspaceInvite,
  createBoard,
  createGeneration,
  createWorkspace,
  deleteBoard,
  duplicateBoard,
  getCreditsReport,
  getWorkspaceRole,
  grantCredits,
  listArchivedBoards,
  listBoards,
  loadBoardUpdates,
  releaseCredits,
  removeMember,
  reserveCredits,
  setBoardArchived,
  settleCredits,
  upsertUser,
  finishGeneration,
  type Sql,
} from '../src'
import { openTestDb } from '../src/testing'

let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

async function person(name: string) {
  return upsertUser(sql, { authSubject: `test:${randomUUID()}`, name })
}

describe('members', () => {
  it('refuses to demote or remove the last owner, and allows both once another owner exists', async () => {
    const owner = await person('Owner')
    const ws = await createWorkspace(sql, { name: 'Studio', ownerId: owner.id })
    await expect(changeMemberRole(sql, { workspaceId: ws.id, userId: owner.id, role: 'editor' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/last owner cannot be demoted/) })
    await expect(removeMember(sql, { workspaceId: ws.id, userId: owner.id })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/last owner cannot leave/) })
    expect(await getWorkspaceRole(sql, { workspaceId: ws.id, userId: owner.id })).toBe('owner')

    const second = await person('Second')
    await addMember(sql, { workspaceId: ws.id, userId: second.id, role: 'editor' })
    expect(await changeMemberRole(sql, { workspaceId: ws.id, userId: second.id, role: 'owner' })).toEqual({ previous: 'editor', role: 'owner' })
    await changeMemberRole(sql, { workspaceId: ws.id, userId: owner.id, role: 'producer' })
    expect(await getWorkspaceRole(sql, { workspaceId: ws.id, userId: owner.id })).toBe('producer')
    await removeMember(sql, { workspaceId: ws.id, userId: owner.id })
    expect(await getWorkspaceRole(sql, { workspaceId: ws.id, userId: owner.id })).toBeNull()
    await expect(removeMember(sql, { workspaceId: ws.id, userId: owner.id })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('lets only one of two owners demoting each other at once succeed', async () => {
    const a = await person('A')
    const b = await person('B')
    const ws = await createWorkspace(sql, { name: 'Studio', ownerId: a.id })
    await addMember(sql, { workspaceId: ws.id, userId: b.id, role: 'owner' })
    const results = await Promise.allSettled([
      changeMemberRole(sql, { workspaceId: ws.id, userId: a.id, role: 'editor' }),
      changeMemberRole(sql, { workspaceId: ws.id, userId: b.id, role: 'editor' }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const owners = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM memberships WHERE workspace_id = ${ws.id} AND role = 'owner'`
    expect(owners[0]?.n).toBe(1)
  })
})

describe('invites for an email address', () => {
  it('admits only the account with that address, and a refused attempt uses nothing up', async () => {
    const owner = await person('Owner')
    const ws = await createWorkspace(sql, { name: 'Studio', ownerId: owner.id })
    // Addresses of this run only: the test database keeps the accounts earlier runs made.
    const run = randomUUID().slice(0, 8)
    const nia = `nia-${run}@studio.test`
    const mallory = `mallory-${run}@else.test`
    const { token } = await createWorkspaceInvite(sql, { workspaceId: ws.id, role: 'editor', expiresInHours: 24, maxUses: 1, email: nia, createdBy: owner.id })
    const other = await person('Other')
    await expect(redeemWorkspaceInvite(sql, { token, userId: other.id })).rejects.toMatchObject({ code: 'FORBIDDEN', field: 'email' })
    // Signing up with another address is refused and leaves no account behind.
    await expect(createInvitedAccount(sql, { token, name: 'Mallory', email: mallory, passwordHash: '$x$y' })).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect(await sql`SELECT 1 FROM password_credentials WHERE email = ${mallory}`).toHaveLength(0)
    const { user, joined } = await createInvitedAccount(sql, { token, name: 'Nia', email: nia, passwordHash: '$x$y' })
    expect(joined).toMatchObject({ workspaceId: ws.id, role: 'editor' })
    expect(await getWorkspaceRole(sql, { workspaceId: ws.id, userId: user.id })).toBe('editor')
  })
})

describe('boards', () => {
  it('archives a board out of the list, restores it, duplicates its document and deletes it', async () => {
    const owner = await person('Owner')
    const ws = await createWorkspace(sql, { name: 'Studio', ownerId: owner.id })
    const board = await createBoard(sql, { workspaceId: ws.id, name: 'Pilot', createdBy: owner.id })
    await appendBoardUpdate(sql, { boardId: board.id, update: new Uint8Array([1, 2, 3]) })
    await appendBoardUpdate(sql, { boardId: board.id, update: new Uint8Array([4, 5]) })

    await setBoardArchived(sql, { boardId: board.id, archived: true })
    expect((await listBoards(sql, ws.id)).map((b) => b.id)).toEqual([])
    expect((await listArchivedBoards(sql, ws.id)).map((b) => b.name)).toEqual(['Pilot'])
    await setBoardArchived(sql, { boardId: board.id, archived: false })
    expect((await listBoards(sql, ws.id)).map((b) => b.name)).toEqual(['Pilot'])
    expect(await listArchivedBoards(sql, ws.id)).toEqual([])

    const copy = await duplicateBoard(sql, { boardId: board.id, name: 'Pilot (copy)', createdBy: owner.id })
    expect(copy).toMatchObject({ workspaceId: ws.id, name: 'Pilot (copy)' })
    expect((await loadBoardUpdates(sql, copy!.id)).map((u) => [...u])).toEqual([[1, 2, 3], [4, 5]])
    expect(await duplicateBoard(sql, { boardId: randomUUID(), name: 'x', createdBy: owner.id })).toBeNull()

    expect(await deleteBoard(sql, board.id)).toBe(true)
    expect(await deleteBoard(sql, board.id)).toBe(false)
    expect((await listBoards(sql, ws.id)).map((b) => b.name)).toEqual(['Pilot (copy)'])
    // The copy does not depend on the original.
    expect(await loadBoardUpdates(sql, copy!.id)).toHaveLength(2)
  })

  it('refuses to delete a board while a generation on it is running, and keeps the ledger when it goes', async () => {
    const owner = await person('Owner')
    const ws = await createWorkspace(sql, { name: 'Studio', ownerId: owner.id })
    await grantCredits(sql, { workspaceId: ws.id, amount: 100, note: 'test' })
    const board = await createBoard(sql, { workspaceId: ws.id, name: 'Busy', createdBy: owner.id })
    const id = randomUUID()
    await createGeneration(sql, { id, workspaceId: ws.id, boardId: board.id, shotId: 'shape:s', variationId: `shape:${id}`, model: 'previz', params: {}, credits: 10, workflowId: `generation/${id}`, createdBy: owner.id })
    await reserveCredits(sql, { workspaceId: ws.id, generationId: id, amount: 10 })
    await expect(deleteBoard(sql, board.id)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/1 generation is still running/) })
    await finishGeneration(sql, { id, status: 'failed', error: 'x' })
    await settleCredits(sql, { generationId: id, actualCost: 10 })
    expect(await deleteBoard(sql, board.id)).toBe(true)
    const report = await getCreditsReport(sql, { workspaceId: ws.id, filters: {} })
    expect(report.balance).toBe(90)
    expect(report.byBoard).toEqual([{ key: '', label: 'Deleted boards', credits: 10 }])
  })
})

describe('credits report', () => {
  it('sums spend by board, person, model and day, and filters the ledger by each', async () => {
    const owner = await person('Olivia')
    const editor = await person('Ben')
    const ws = await createWorkspace(sql, { name: 'Studio', ownerId: owner.id })
    await addMember(sql, { workspaceId: ws.id, userId: editor.id, role: 'editor' })
    await grantCredits(sql, { workspaceId: ws.id, amount: 1000, note: 'starter' })
    const pilot = await createBoard(sql, { workspaceId: ws.id, name: 'Pilot', createdBy: owner.id })
    const promo = await createBoard(sql, { workspaceId: ws.id, name: 'Promo', createdBy: owner.id })
    const spend = async (o: { board: string; by: string; model: string; reserve: number; cost: number | null; day: string }) => {
      const id = randomUUID()
      await createGeneration(sql, { id, workspaceId: ws.id, boardId: o.board, shotId: 'shape:s', variationId: `shape:${id}`, model: o.model, params: {}, credits: o.reserve, workflowId: `generation/${id}`, createdBy: o.by })
      await reserveCredits(sql, { workspaceId: ws.id, generationId: id, amount: o.reserve })
      if (o.cost === null) await releaseCredits(sql, { generationId: id })
      else await settleCredits(sql, { generationId: id, actualCost: o.cost })
      await sql`UPDATE credit_ledger SET created_at = ${`${o.day}T12:00:00Z`} WHERE generation_id = ${id}`
    }
    await spend({ board: pilot.id, by: owner.id, model: 'previz', reserve: 40, cost: 30, day: '2026-03-01' })
    await spend({ board: pilot.id, by: editor.id, model: 'gen4_turbo', reserve: 100, cost: 100, day: '2026-03-03' })
    await spend({ board: promo.id, by: editor.id, model: 'previz', reserve: 20, cost: null, day: '2026-03-03' })
    await spend({ board: promo.id, by: editor.id, model: 'previz', reserve: 15, cost: 15, day: '2026-03-04' })

    const all = await getCreditsReport(sql, { workspaceId: ws.id, filters: {} })
    expect(all.balance).toBe(1000 - 30 - 100 - 15)
    expect(all.spent).toBe(145)
    expect(all.byBoard).toEqual([{ key: pilot.id, label: 'Pilot', credits: 130 }, { key: promo.id, label: 'Promo', credits: 15 }])
    expect(all.byPerson).toEqual([{ key: editor.id, label: 'Ben', credits: 115 }, { key: owner.id, label: 'Olivia', credits: 30 }])
    expect(all.byModel).toEqual([{ key: 'gen4_turbo', label: 'gen4_turbo', credits: 100 }, { key: 'previz', label: 'previz', credits: 45 }])
    // One grant, four reservations, three settlements and one release.
    expect(all.entries).toHaveLength(9)
    expect(all.options).toEqual({ boards: [{ id: pilot.id, name: 'Pilot' }, { id: promo.id, name: 'Promo' }], people: [{ id: editor.id, name: 'Ben' }, { id: owner.id, name: 'Olivia' }], models: ['gen4_turbo', 'previz'] })

    const march = await getCreditsReport(sql, { workspaceId: ws.id, filters: { from: '2026-03-01', to: '2026-03-04' } })
    expect(march.byDay).toEqual([
      { day: '2026-03-01', credits: 30 },
      { day: '2026-03-02', credits: 0 },
      { day: '2026-03-03', credits: 100 },
      { day: '2026-03-04', credits: 15 },
    ])

    const bens = await getCreditsReport(sql, { workspaceId: ws.id, filters: { person: editor.id, model: 'previz' } })
    expect(bens.spent).toBe(15)
    expect(bens.entries.every((e) => e.person?.name === 'Ben' && e.model === 'previz')).toBe(true)
    expect(bens.entries.map((e) => e.kind).sort()).toEqual(['release', 'reserve', 'reserve', 'settle'])
    // Grants belong to no board, so a board filter leaves them out; the balance stays the workspace's.
    const promoOnly = await getCreditsReport(sql, { workspaceId: ws.id, filters: { board: promo.id, to: '2026-03-03' } })
    expect(promoOnly.balance).toBe(all.balance)
    expect(promoOnly.entries.map((e) => [e.kind, e.amount])).toEqual(expect.arrayContaining([['reserve', -20], ['release', 20]]))
    expect(promoOnly.entries).toHaveLength(2)
    expect(promoOnly.spent).toBe(0)
  })
})
