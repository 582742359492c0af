import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addMember,
  createDb,
  createInvitedAccount,
  createOwnerAccount,
  createWorkspaceInvite,
  ensureDatabase,
  findPasswordCredential,
  findWorkspaceInvite,
  getWorkspaceRole,
  hasPasswordAccounts,
  listWorkspaceInvites,
  listWorkspaceRoster,
  migrate,
  redeemWorkspaceInvite,
  revokeWorkspaceInvite,
  upsertUser,
  type Sql,
} from '../src'
import { createTestStudio, openTestDb, TEST_DATABASE_URL } from '../src/testing'

let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

/** Not a real hash: these tests are about rows; @montage/auth tests the KDF. */
const HASH = '$scrypt$ln=17,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'
const email = () => `person-${randomUUID().slice(0, 8)}@studio.test`

const studio = () => createTestStudio(sql, { workspaceName: 'Invite Studio' })

describe('workspace invites', () => {
  it('makes whoever opens a link a member with its role, once; the link then reads as used', async () => {
    const { owner, ws } = await studio()
    const { invite, token } = await createWorkspaceInvite(sql, { workspaceId: ws.id, role: 'editor', expiresInHours: 24, maxUses: 1, note: 'Ben', createdBy: owner.id })
    expect(invite).toMatchObject({ role: 'editor', note: 'Ben', maxUses: 1, useCount: 0, state: 'active', createdBy: { id: owner.id, name: 'Sam Owner' } })
    // Only the hash is stored.
    const [stored] = await sql<{ token_hash: string }[]>`SELECT token_hash FROM workspace_invites WHERE id = ${invite.id}`
    expect(stored!.token_hash).toMatch(/^[a-f0-9]{64}$/)
    expect(stored!.token_hash).not.toContain(token)

    const ben = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Ben' })
    expect(await redeemWorkspaceInvite(sql, { token, userId: ben.id })).toMatchObject({ workspaceId: ws.id, role: 'editor', workspaceName: 'Invite Studio' })
    expect(await getWorkspaceRole(sql, { userId: ben.id, workspaceId: ws.id })).toBe('editor')

    const ana = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Ana' })
    await expect(redeemWorkspaceInvite(sql, { token, userId: ana.id })).rejects.toMatchObject({ code: 'GONE', message: expect.stringMatching(/already been used/) })
    expect(await getWorkspaceRole(sql, { userId: ana.id, workspaceId: ws.id })).toBeNull()
    expect((await findWorkspaceInvite(sql, token))?.invite).toMatchObject({ state: 'used', useCount: 1 })
  })

  it('refuses an expired, a revoked and an unknown link, and never changes an existing member’s role', async () => {
    const { owner, ws } = await studio()
    const user = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Would-be' })
    const expired = await createWorkspaceInvite(sql, { workspaceId: ws.id, role: 'reviewer', expiresInHours: 1, maxUses: 5, createdBy: owner.id })
    await sql`UPDATE workspace_invites SET expires_at = now() - interval '1 second' WHERE id = ${expired.invite.id}`
    await expect(redeemWorkspaceInvite(sql, { token: expired.token, userId: user.id })).rejects.toMatchObject({ code: 'GONE', message: expect.stringMatching(/expired/) })

    const revoked = await createWorkspaceInvite(sql, { workspaceId: ws.id, role: 'reviewer', expiresInHours: 1, maxUses: 5, createdBy: owner.id })
    expect((await revokeWorkspaceInvite(sql, revoked.invite.id))?.state).toBe('revoked')
    await expect(redeemWorkspaceInvite(sql, { token: revoked.token, userId: user.id })).rejects.toMatchObject({ code: 'GONE', message: expect.stringMatching(/revoked/) })
    await expect(redeemWorkspaceInvite(sql, { token: 'A'.repeat(43), userId: user.id })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await getWorkspaceRole(sql, { userId: user.id, workspaceId: ws.id })).toBeNull()

    // The owner opening a reviewer invite keeps ownership, and the invite keeps its use.
    const open = await createWorkspaceInvite(sql, { workspaceId: ws.id, role: 'reviewer', expiresInHours: 1, maxUses: 1, createdBy: owner.id })
    await expect(redeemWorkspaceInvite(sql, { token: open.token, userId: owner.id })).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(await getWorkspaceRole(sql, { userId: owner.id, workspaceId: ws.id })).toBe('owner')
    expect((await findWorkspaceInvite(sql, open.token))?.invite).toMatchObject({ state: 'active', useCount: 0 })
    expect((await listWorkspaceInvites(sql, ws.id)).map((i) => i.state)).toEqual(['active', 'revoked', 'expired'])
  })

  it('gives the last use of a link to exactly one of several people racing for it', async () => {
    const { owner, ws } = await studio()
    const { token } = await createWorkspaceInvite(sql, { workspaceId: ws.id, role: 'editor', expiresInHours: 1, maxUses: 2, createdBy: owner.id })
    const people = await Promise.all([1, 2, 3, 4, 5].map((i) => upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: `Racer ${i}` })))
    const results = await Promise.allSettled(people.map((p) => redeemWorkspaceInvite(sql, { token, userId: p.id })))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2)
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['GONE', 'GONE', 'GONE'])
    expect((await listWorkspaceRoster(sql, ws.id)).map((m) => m.role).sort()).toEqual(['editor', 'editor', 'owner'])
  })

  it('signs up through an invite: account and membership together, or neither', async () => {
    const { owner, ws } = await studio()
    const { token } = await createWorkspaceInvite(sql, { workspaceId: ws.id, role: 'producer', expiresInHours: 1, maxUses: 2, createdBy: owner.id })
    const address = email()
    const { user, joined } = await createInvitedAccount(sql, { token, name: 'Ada', email: address, passwordHash: HASH })
    expect(joined.role).toBe('producer')
    expect((await findPasswordCredential(sql, address))?.user.id).toBe(user.id)
    expect((await listWorkspaceRoster(sql, ws.id)).find((m) => m.id === user.id)).toMatchObject({ email: address, role: 'producer' })

    // A taken email: nothing is written and the invite keeps its use.
    await expect(createInvitedAccount(sql, { token, name: 'Ada again', email: address, passwordHash: HASH })).rejects.toMatchObject({ code: 'CONFLICT', field: 'email' })
    expect((await findWorkspaceInvite(sql, token))?.invite.useCount).toBe(1)
    // A bad invite is refused before the email is looked at (it learns nothing about accounts).
    await expect(createInvitedAccount(sql, { token: 'B'.repeat(43), name: 'Eve', email: address, passwordHash: HASH })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const fresh = email()
    await expect(createInvitedAccount(sql, { token: 'B'.repeat(43), name: 'Eve', email: fresh, passwordHash: HASH })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await findPasswordCredential(sql, fresh)).toBeNull()
  })
})

describe('the first owner of an install', () => {
  let fresh: Sql
  const name = `montage_test_first_${randomUUID().slice(0, 8)}`
  beforeAll(async () => {
    const url = TEST_DATABASE_URL.replace(/\/[^/]+$/, `/${name}`)
    await ensureDatabase(url)
    fresh = createDb({ url, max: 6 })
    await migrate(fresh)
  })
  afterAll(async () => {
    await fresh?.end()
    await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  })

  it('is exactly one of several sign-ups racing on a new install; later owners come only from the CLI path', async () => {
    expect(await hasPasswordAccounts(fresh)).toBe(false)
    const attempts = await Promise.all(
      [1, 2, 3, 4].map((i) => createOwnerAccount(fresh, { name: `First ${i}`, email: email(), passwordHash: HASH, workspaceName: `Studio ${i}`, credits: 500, onlyIfFirst: true })),
    )
    const winners = attempts.filter((a) => a !== null)
    expect(winners).toHaveLength(1)
    expect(await getWorkspaceRole(fresh, { userId: winners[0]!.user.id, workspaceId: winners[0]!.workspaceId })).toBe('owner')
    const [balance] = await fresh<{ sum: number }[]>`SELECT sum(amount)::int AS sum FROM credit_ledger WHERE workspace_id = ${winners[0]!.workspaceId}`
    expect(balance!.sum).toBe(500)
    expect(await hasPasswordAccounts(fresh)).toBe(true)
    const [count] = await fresh<{ n: number }[]>`SELECT count(*)::int AS n FROM users`
    expect(count!.n).toBe(1)

    const cli = await createOwnerAccount(fresh, { name: 'Second owner', email: email(), passwordHash: HASH, workspaceName: 'Another', credits: 0, onlyIfFirst: false })
    expect(cli).not.toBeNull()
    await addMember(fresh, { workspaceId: cli!.workspaceId, userId: winners[0]!.user.id, role: 'editor' })
    expect((await listWorkspaceRoster(fresh, cli!.workspaceId)).map((m) => m.role)).toEqual(['owner', 'editor'])
  })
})
