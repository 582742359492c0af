import { randomUUID } from 'node:crypto'
import path from 'node:path'
import WebSocket from 'ws'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMember, createBoard, createWorkspace, createGeneration, finishGeneration, getCreditBalance, getWorkspaceRole, releaseCredits, reserveCredits, settleCredits, upsertUser } from '@montage/db'
import { SCREENSHOT_DIR, openBoard, sessionTokenOf, startE2EStack, type E2EStack } from './harness'
import { signInCookie } from './review-fixtures'

/**
 * Running a workspace end to end: an owner invites someone by link, changes their role and
 * removes them (their open board closes at once), the last owner can neither leave nor be
 * demoted; boards are renamed, duplicated, archived, restored and deleted by who may; the credits
 * page shows where the credits went, and reviewers never see the balance.
 */

let stack: E2EStack

beforeAll(async () => {
  stack = await startE2EStack({ services: ['web', 'collab-server'] })
}, 300_000)

afterAll(async () => {
  await stack?.close()
})

async function api(method: string, route: string, opts: { body?: unknown; cookie?: string } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.baseUrl}${route}`, {
    method,
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.cookie ? { cookie: opts.cookie } : {}) },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    redirect: 'manual',
  })
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> }
}

async function userId(authSubject: string): Promise<string> {
  const [user] = await stack.sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = ${authSubject}`
  return user!.id
}

async function pageOf(authSubject: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.signedIn(authSubject)
  return { context, page: await context.newPage() }
}

/** An open board socket, and how it ends (wrapped: an async function would wait for it). */
async function openSocket(boardId: string, token: string): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`${stack.collabUrl}/boards/${boardId}?token=${encodeURIComponent(token)}`)
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve())
    ws.once('close', (code) => reject(new Error(`closed with ${code} before syncing`)))
  })
  return { ws, closed }
}

function row(page: Page, name: string) {
  return page.locator('[data-testid=member-row]', { hasText: name })
}

describe('members', () => {
  it('lets a person invited by email address join by its link, an owner change their role and remove them, closing their open board at once', async () => {
    const owner = await pageOf('local:sam')
    const niaEmail = `nia-${randomUUID().slice(0, 6)}@studio.test`
    await owner.page.goto(`/workspaces/${stack.workspaceId}/members`)
    await owner.page.selectOption('[data-testid=invite-role]', 'editor')
    await owner.page.fill('[data-testid=invite-email]', niaEmail.toUpperCase())
    await owner.page.fill('[data-testid=invite-note]', 'Nia, colourist')
    await owner.page.click('[data-testid=invite-create]')
    const link = (await owner.page.locator('[data-testid=invite-link] code').textContent())!
    expect(await owner.page.locator('[data-testid=invite-mailto]').getAttribute('href')).toMatch(new RegExp(`^mailto:${encodeURIComponent(niaEmail)}\\?`))
    expect(await owner.page.locator('[data-testid=invite-row][data-state=active] [data-testid=invite-for]').textContent()).toBe(` · for ${niaEmail}`)

    // Someone else holding the link cannot use it, and uses nothing up.
    const ben = await signInCookie(stack, 'local:ben')
    const token = link.split('/invite/')[1]!
    expect(await api('POST', '/api/invites/accept', { cookie: ben.cookie, body: { token } })).toMatchObject({ status: 403, body: { error: { field: 'email', message: expect.stringMatching(/another email address/) } } })

    // The invited person signs up through the link, in their own browser; the address is filled in.
    const nia = { context: await stack.browser.newContext({ baseURL: stack.baseUrl, viewport: { width: 1280, height: 860 } }) }
    const niaPage = await nia.context.newPage()
    await niaPage.goto(link)
    expect(await niaPage.inputValue('#email')).toBe(niaEmail)
    await niaPage.fill('#name', 'Nia Colourist')
    await niaPage.fill('#password', 'grading suite seven')
    await niaPage.click('[data-testid=sign-up-submit]')
    await niaPage.waitForURL(`${stack.baseUrl}/`)
    const [niaRow] = await stack.sql<{ id: string }[]>`SELECT id FROM users WHERE name = 'Nia Colourist'`
    expect(await getWorkspaceRole(stack.sql, { userId: niaRow!.id, workspaceId: stack.workspaceId })).toBe('editor')

    // The owner makes her a reviewer from the members page.
    await owner.page.reload()
    await row(owner.page, 'Nia Colourist').locator('[data-testid=member-role-select]').selectOption('reviewer')
    await expect.poll(() => getWorkspaceRole(stack.sql, { userId: niaRow!.id, workspaceId: stack.workspaceId })).toBe('reviewer')
    await owner.page.reload()
    expect(await row(owner.page, 'Nia Colourist').locator('[data-testid=member-role-select]').inputValue()).toBe('reviewer')
    await owner.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'members.png') })

    // She has the board open (in her browser, and on a second socket) when she is removed.
    await openBoard(niaPage, stack.boardId)
    const socket = await openSocket(stack.boardId, await sessionTokenOf(nia.context))
    await row(owner.page, 'Nia Colourist').locator('[data-testid=member-remove]').click()
    const dialog = owner.page.locator('[data-testid=confirm-dialog]')
    expect(await dialog.locator('h2').textContent()).toBe('Remove Nia Colourist?')
    // Escape cancels: nothing changes.
    await owner.page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await getWorkspaceRole(stack.sql, { userId: niaRow!.id, workspaceId: stack.workspaceId })).toBe('reviewer')
    await row(owner.page, 'Nia Colourist').locator('[data-testid=member-remove]').click()
    await owner.page.click('[data-testid=confirm-ok]')
    await row(owner.page, 'Nia Colourist').waitFor({ state: 'detached' })

    expect(await socket.closed).toEqual({ code: 4403, reason: expect.stringMatching(/removed from this workspace/) })
    await niaPage.locator('[data-testid=sync-problem][data-kind=forbidden]').waitFor({ timeout: 10_000 })
    expect(await getWorkspaceRole(stack.sql, { userId: niaRow!.id, workspaceId: stack.workspaceId })).toBeNull()
    const niaCookie = `montage_session=${await sessionTokenOf(nia.context)}`
    expect((await api('GET', `/api/boards/${stack.boardId}`, { cookie: niaCookie })).status).toBe(403)
    await Promise.all([owner.context.close(), nia.context.close()])
  })

  it('refuses to let the last owner leave or be demoted, in the page and in the API', async () => {
    const sam = await signInCookie(stack, 'local:sam')
    const owner = await pageOf('local:sam')
    await owner.page.goto(`/workspaces/${stack.workspaceId}/members`)
    await row(owner.page, 'Sam Reyes').locator('[data-testid=member-role-select]').selectOption('producer')
    expect(await row(owner.page, 'Sam Reyes').locator('[data-testid=member-error]').textContent()).toMatch(/last owner cannot be demoted/)
    // Their own row has no Remove; Leave workspace is off and says why (described by that text).
    expect(await row(owner.page, 'Sam Reyes').locator('[data-testid=member-remove]').count()).toBe(0)
    const leave = owner.page.locator('[data-testid=leave-button]')
    expect(await leave.isDisabled()).toBe(true)
    expect(await owner.page.locator('[data-testid=leave-why]').textContent()).toMatch(/last owner, so you cannot leave: make someone else an owner first/)
    expect(await owner.page.locator(`#${await leave.getAttribute('aria-describedby')}`).getAttribute('data-testid')).toBe('leave-why')

    const membersUrl = `/api/workspaces/${stack.workspaceId}/members/${sam.userId}`
    expect(await api('PATCH', membersUrl, { cookie: sam.cookie, body: { role: 'editor' } })).toMatchObject({ status: 409, body: { error: { message: expect.stringMatching(/last owner cannot be demoted/) } } })
    expect(await api('DELETE', membersUrl, { cookie: sam.cookie })).toMatchObject({ status: 409, body: { error: { message: expect.stringMatching(/last owner cannot leave/) } } })
    expect(await getWorkspaceRole(stack.sql, { userId: sam.userId, workspaceId: stack.workspaceId })).toBe('owner')
    await owner.context.close()
  })

  it('lets a member leave from the members page after confirming; Escape keeps them in', async () => {
    const lena = await upsertUser(stack.sql, { authSubject: `local:lena-${randomUUID().slice(0, 6)}`, name: 'Lena Leaving' })
    await addMember(stack.sql, { workspaceId: stack.workspaceId, userId: lena.id, role: 'editor' })
    const other = await upsertUser(stack.sql, { authSubject: `local:olga-${randomUUID().slice(0, 6)}`, name: 'Olga Owner' })
    const elsewhere = await createWorkspace(stack.sql, { name: 'Elsewhere Studio', ownerId: other.id })
    await addMember(stack.sql, { workspaceId: elsewhere.id, userId: lena.id, role: 'reviewer' })
    const member = await pageOf(lena.authSubject)
    await member.page.goto('/')
    await member.page.locator('[data-testid=workspace]', { hasText: 'Northwind Studio' }).locator('[data-testid=manage-members]').click()
    await member.page.waitForURL(`**/workspaces/${stack.workspaceId}/members`)

    // An editor sees who is in, with their roles, and changes nothing: no role menus, no Remove, no invites.
    expect(await row(member.page, 'Sam Reyes').locator('[data-testid=member-role]').textContent()).toBe('owner')
    expect(await member.page.locator('[data-testid=member-role-select], [data-testid=member-remove], [data-testid=invite-create]').count()).toBe(0)

    const leave = member.page.locator('[data-testid=leave-button]')
    expect(await leave.isEnabled()).toBe(true)
    await leave.click()
    const dialog = member.page.locator('[data-testid=leave-dialog]')
    expect(await dialog.locator('h2').textContent()).toMatch(/^Leave .+\?$/)
    // Focus is inside the dialog (on Cancel); Escape closes it and she is still a member.
    expect(await member.page.evaluate(() => document.activeElement?.closest('dialog')?.getAttribute('data-testid'))).toBe('leave-dialog')
    await member.page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await getWorkspaceRole(stack.sql, { userId: lena.id, workspaceId: stack.workspaceId })).toBe('editor')

    await leave.click()
    await dialog.locator('[data-testid=confirm-ok]').click()
    await member.page.waitForURL(`${stack.baseUrl}/`)
    expect(await getWorkspaceRole(stack.sql, { userId: lena.id, workspaceId: stack.workspaceId })).toBeNull()
    // Her other workspace is untouched, and the home page now lists only it.
    expect(await getWorkspaceRole(stack.sql, { userId: lena.id, workspaceId: elsewhere.id })).toBe('reviewer')
    await expect.poll(() => member.page.locator('[data-testid=workspace] h2').allTextContents()).toEqual(['Elsewhere Studio'])
    await member.page.goto(`/workspaces/${stack.workspaceId}/members`)
    expect(await member.page.locator('[data-testid=member-list]').count()).toBe(0)
    await member.context.close()
  })

  it('refuses bad input and people who may not manage members, and changes nothing', async () => {
    const sam = await signInCookie(stack, 'local:sam')
    const ada = await signInCookie(stack, 'local:ada')
    const ben = await userId('local:ben')
    const url = `/api/workspaces/${stack.workspaceId}/members/${ben}`
    expect(await api('PATCH', url, { cookie: sam.cookie, body: { role: 'admin' } })).toMatchObject({ status: 400, body: { error: { field: 'role' } } })
    expect(await api('PATCH', url, { cookie: sam.cookie, body: { role: 'editor', extra: 1 } })).toMatchObject({ status: 400 })
    expect(await api('PATCH', `/api/workspaces/${stack.workspaceId}/members/not-a-user`, { cookie: sam.cookie, body: { role: 'editor' } })).toMatchObject({ status: 404 })
    expect(await api('PATCH', `/api/workspaces/not-a-workspace/members/${ben}`, { cookie: sam.cookie, body: { role: 'editor' } })).toMatchObject({ status: 404 })
    // A producer may not manage members.
    expect(await api('PATCH', url, { cookie: ada.cookie, body: { role: 'reviewer' } })).toMatchObject({ status: 403, body: { error: { message: expect.stringMatching(/member manage/) } } })
    expect(await api('DELETE', url, { cookie: ada.cookie })).toMatchObject({ status: 403 })
    expect(await getWorkspaceRole(stack.sql, { userId: ben, workspaceId: stack.workspaceId })).toBe('editor')
  })
})

describe('boards', () => {
  it('lets a producer rename, duplicate, archive and restore a board from its menu, and an owner delete one after typing its name', async () => {
    const board = await createBoard(stack.sql, { workspaceId: stack.workspaceId, name: 'Teaser', createdBy: await userId('local:ada') })
    const producer = await pageOf('local:ada')
    await producer.page.goto('/')
    const card = (name: string) => producer.page.locator('.board-tile', { has: producer.page.locator('[data-testid=board-card]', { hasText: new RegExp(`^${name}Updated`) }) })

    // Rename, with the keyboard: open the menu, Enter on the first item, type, Enter.
    await card('Teaser').locator('[data-testid=board-menu]').focus()
    await producer.page.keyboard.press('Enter')
    await producer.page.locator('[data-testid=board-rename]:focus').waitFor()
    await producer.page.keyboard.press('Enter')
    await producer.page.locator('[data-testid=confirm-field]').fill('Teaser v2')
    await producer.page.keyboard.press('Enter')
    await card('Teaser v2').waitFor()

    await card('Teaser v2').locator('[data-testid=board-menu]').click()
    await producer.page.click('[data-testid=board-duplicate]')
    await card('Teaser v2 \\(copy\\)').waitFor()
    const [copy] = await stack.sql<{ id: string }[]>`SELECT id FROM boards WHERE name = 'Teaser v2 (copy)' AND workspace_id = ${stack.workspaceId}`
    expect(copy).toBeDefined()
    // A producer is not offered Delete.
    await card('Teaser v2').locator('[data-testid=board-menu]').click()
    expect(await producer.page.locator('[data-testid=board-delete]').count()).toBe(0)
    await producer.page.click('[data-testid=board-archive]')
    await producer.page.click('[data-testid=confirm-ok]')
    await card('Teaser v2').waitFor({ state: 'detached' })
    const archived = producer.page.locator('[data-testid=archived-board]', { hasText: 'Teaser v2' })
    await producer.page.locator('[data-testid=archived-boards] summary').click()
    await archived.locator('[data-testid=board-restore]').click()
    await card('Teaser v2').waitFor()
    expect(await producer.page.locator('[data-testid=archived-board]').count()).toBe(0)

    const owner = await pageOf('local:sam')
    await owner.page.goto('/')
    const ownerCard = owner.page.locator('.board-tile', { has: owner.page.locator('[data-testid=board-card]', { hasText: /^Teaser v2 \(copy\)Updated/ }) })
    await ownerCard.locator('[data-testid=board-menu]').click()
    await owner.page.click('[data-testid=board-delete]')
    const dialog = owner.page.locator('[data-testid=delete-board-dialog]')
    // The button stays off until the name is typed exactly.
    await dialog.locator('[data-testid=confirm-typed]').fill('Teaser v2')
    expect(await dialog.locator('[data-testid=confirm-ok]').isDisabled()).toBe(true)
    await dialog.locator('[data-testid=confirm-typed]').fill('Teaser v2 (copy)')
    await dialog.locator('[data-testid=confirm-ok]').click()
    await ownerCard.waitFor({ state: 'detached' })
    expect(await stack.sql`SELECT 1 FROM boards WHERE id = ${copy!.id}`).toHaveLength(0)
    expect(await stack.sql`SELECT 1 FROM boards WHERE id = ${board.id}`).toHaveLength(1)
    await Promise.all([producer.context.close(), owner.context.close()])
  })

  it('refuses bad input and roles that may not, naming what was wrong, and changes nothing', async () => {
    const board = await createBoard(stack.sql, { workspaceId: stack.workspaceId, name: 'Keep me', createdBy: await userId('local:sam') })
    const [sam, ada, ben, rui] = await Promise.all(['local:sam', 'local:ada', 'local:ben', 'local:rui'].map((s) => signInCookie(stack, s)))
    const url = `/api/boards/${board.id}`
    expect(await api('PATCH', url, { cookie: sam!.cookie, body: { name: '   ' } })).toMatchObject({ status: 400, body: { error: { field: 'name', message: expect.stringMatching(/Name the board/) } } })
    expect(await api('PATCH', url, { cookie: sam!.cookie, body: { name: 'x'.repeat(121) } })).toMatchObject({ status: 400, body: { error: { field: 'name' } } })
    expect(await api('PATCH', url, { cookie: sam!.cookie, body: {} })).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/new name or archived/) } } })
    expect(await api('PATCH', url, { cookie: sam!.cookie, body: { archived: 'yes' } })).toMatchObject({ status: 400, body: { error: { field: 'archived' } } })
    expect(await api('DELETE', url, { cookie: sam!.cookie })).toMatchObject({ status: 400 })
    expect(await api('DELETE', url, { cookie: sam!.cookie, body: { confirmName: 'Keep' } })).toMatchObject({ status: 400, body: { error: { field: 'confirmName', message: expect.stringMatching(/Keep me/) } } })
    // Editors and reviewers may not rename, duplicate or archive; producers may not delete.
    for (const who of [ben!, rui!]) {
      expect((await api('PATCH', url, { cookie: who.cookie, body: { name: 'Mine' } })).status).toBe(403)
      expect((await api('POST', `${url}/duplicate`, { cookie: who.cookie, body: {} })).status).toBe(403)
    }
    expect(await api('DELETE', url, { cookie: ada!.cookie, body: { confirmName: 'Keep me' } })).toMatchObject({ status: 403, body: { error: { message: expect.stringMatching(/board delete/) } } })
    expect((await api('PATCH', '/api/boards/not-a-board', { cookie: sam!.cookie, body: { name: 'x' } })).status).toBe(404)
    const [stored] = await stack.sql<{ name: string; archived: boolean }[]>`SELECT name, archived_at IS NOT NULL AS archived FROM boards WHERE id = ${board.id}`
    expect(stored).toEqual({ name: 'Keep me', archived: false })
  })
})

describe('credits', () => {
  it('shows the balance, the ledger with filters, spend by board, person and model and a chart; reviewers see none of it', async () => {
    const [sam, ada, ben] = await Promise.all([userId('local:sam'), userId('local:ada'), userId('local:ben')])
    const promo = await createBoard(stack.sql, { workspaceId: stack.workspaceId, name: 'Promo spot', createdBy: sam })
    // Spend as generation workflows leave it: a reservation, then a settlement or a release, over the last days.
    const spends = [
      { board: stack.boardId, by: ada, model: 'gen4_turbo', reserve: 50, cost: 50, daysAgo: 6 },
      { board: stack.boardId, by: ben, model: 'previz', reserve: 8, cost: 6, daysAgo: 5 },
      { board: promo.id, by: ben, model: 'gen4_turbo', reserve: 50, cost: null, daysAgo: 3 },
      { board: promo.id, by: ada, model: 'gen4_aleph', reserve: 120, cost: 120, daysAgo: 2 },
      { board: stack.boardId, by: sam, model: 'previz', reserve: 8, cost: 8, daysAgo: 0 },
    ]
    for (const s of spends) {
      const id = randomUUID()
      await createGeneration(stack.sql, { id, workspaceId: stack.workspaceId, boardId: s.board, shotId: 'shape:shot', variationId: `shape:v-${id.slice(0, 8)}`, model: s.model, params: {}, credits: s.reserve, workflowId: `generation/${id}`, createdBy: s.by })
      await reserveCredits(stack.sql, { workspaceId: stack.workspaceId, generationId: id, amount: s.reserve })
      await finishGeneration(stack.sql, { id, status: s.cost === null ? 'failed' : 'succeeded', error: s.cost === null ? 'cancelled' : undefined })
      if (s.cost === null) await releaseCredits(stack.sql, { generationId: id })
      else await settleCredits(stack.sql, { generationId: id, actualCost: s.cost })
      await stack.sql`UPDATE credit_ledger SET created_at = now() - ${`${s.daysAgo} days`}::interval WHERE generation_id = ${id}`
    }
    const balance = await getCreditBalance(stack.sql, stack.workspaceId)

    const owner = await pageOf('local:sam')
    await owner.page.goto('/')
    const pill = owner.page.locator('[data-testid=workspace] [data-testid=credits]')
    expect(await pill.textContent()).toBe(`${balance} credits`)
    await pill.click()
    await owner.page.waitForURL(`${stack.baseUrl}/workspaces/${stack.workspaceId}/credits`)
    expect(await owner.page.locator('[data-testid=credits-balance] .stat-value').textContent()).toBe(String(balance))
    expect(await owner.page.locator('[data-testid=credits-spent] .stat-value').textContent()).toBe('184')
    expect(await owner.page.locator('[data-testid=spend-by-model] [data-testid=spend-row]').allTextContents()).toEqual(['gen4_aleph120', 'Gen-4 Turbo (Runway)50', 'Previz (local animatic)14'])
    expect(await owner.page.locator('[data-testid=spend-by-person] [data-testid=spend-row]').allTextContents()).toEqual(['Ada Moreau170', 'Sam Reyes8', 'Ben Okafor6'])
    expect(await owner.page.locator('[data-testid=spend-by-board] [data-testid=spend-row]').first().textContent()).toBe('Promo spot120')
    // One day per point from the first spend to today.
    expect(await owner.page.locator('[data-testid=spend-chart]').getAttribute('data-days')).toBe('7')
    // The seeded grant, five reservations, four settlements and one release.
    expect(await owner.page.locator('[data-testid=ledger-row]').count()).toBe(11)
    await owner.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'credits.png'), fullPage: true })

    // Filter by person and model with the form.
    await owner.page.selectOption('#f-person', { label: 'Ben Okafor' })
    await owner.page.selectOption('#f-model', 'gen4_turbo')
    await owner.page.click('[data-testid=credits-apply]')
    await owner.page.waitForURL(/person=/)
    const kinds = await owner.page.locator('[data-testid=ledger-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))
    expect(kinds.sort()).toEqual(['release', 'reserve'])
    expect(await owner.page.locator('[data-testid=credits-spent] .stat-value').textContent()).toBe('0')
    // A bad filter in the address is named, not a crash.
    await owner.page.goto(`/workspaces/${stack.workspaceId}/credits?from=2026-13-40`)
    expect(await owner.page.locator('[data-testid=credits-filter-error]').textContent()).toMatch(/^from:/)
    const samCookie = (await signInCookie(stack, 'local:sam')).cookie
    const today = new Date().toISOString().slice(0, 10)
    const viaApi = await api('GET', `/api/workspaces/${stack.workspaceId}/credits?board=${promo.id}&to=${today}`, { cookie: samCookie })
    expect(viaApi).toMatchObject({ status: 200, body: { balance, spent: 120 } })
    expect(await api('GET', `/api/workspaces/${stack.workspaceId}/credits?from=2026-03-05&to=2026-03-01`, { cookie: samCookie })).toMatchObject({ status: 400, body: { error: { field: 'from' } } })
    expect(await api('GET', `/api/workspaces/${stack.workspaceId}/credits?person=ben`, { cookie: samCookie })).toMatchObject({ status: 400, body: { error: { field: 'person' } } })

    // A reviewer: no pill on the home page or the board, no balance from the API, no credits page.
    const reviewer = await pageOf('local:rui')
    await reviewer.page.goto('/')
    await reviewer.page.locator('[data-testid=workspace]').first().waitFor()
    expect(await reviewer.page.locator('[data-testid=credits]').count()).toBe(0)
    await openBoard(reviewer.page, stack.boardId)
    expect(await reviewer.page.locator('[data-testid=credits]').count()).toBe(0)
    const rui = await signInCookie(stack, 'local:rui')
    expect(await api('GET', `/api/workspaces/${stack.workspaceId}/credits`, { cookie: rui.cookie })).toMatchObject({ status: 403 })
    const me = await api('GET', '/api/me', { cookie: rui.cookie })
    expect((me.body.memberships as { credits: unknown }[])[0]!.credits).toBeNull()
    await reviewer.page.goto(`/workspaces/${stack.workspaceId}/credits`)
    await reviewer.page.locator('[data-testid=forbidden]').waitFor()
    await Promise.all([owner.context.close(), reviewer.context.close()])
  })
})
