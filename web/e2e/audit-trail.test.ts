import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { SCREENSHOT_DIR, generatePrevizVariations, openBoard, showShapes, shotVariationIds, startE2EStack, type E2EStack } from './harness'

// Issue 18, item 3: the audit trail. The real stack: an editor generates and edits, a reviewer
// comments, a producer requests changes (with the note it needs) and approves; the viewer's
// timeline, the workspace activity page and its CSV export all tell the same five rows.
const SHOT = 'shape:demo-shot-1'
const NOTE = 'Warmer light on the water, and hold the last frame a beat longer'
const COMMENT = 'The lamp flickers at 1 s, "too early", can we start it later?'
let stack: E2EStack
let ben: BrowserContext // editor
let rui: BrowserContext // reviewer
let ada: BrowserContext // producer

beforeAll(async () => {
  stack = await startE2EStack()
  ben = await stack.signedIn('local:ben')
  rui = await stack.signedIn('local:rui')
  ada = await stack.signedIn('local:ada')
})

afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail' || !stack) return
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  let i = 0
  for (const context of stack.browser.contexts()) for (const page of context.pages()) await page.screenshot({ path: path.join(SCREENSHOT_DIR, `audit-trail-failed-${i++}.png`) }).catch(() => {})
})

afterAll(async () => {
  for (const c of [ben, rui, ada]) await c?.close()
  await stack?.close()
})

/** What a person reads off each timeline row: what happened, to which version, who, their role, and the text. */
async function timelineRows(scope: Locator): Promise<{ what: string; subject: string; who: string; role: string; detail: string }[]> {
  return scope.locator('[data-testid=audit-row]').evaluateAll((rows) =>
    rows.map((r) => ({
      what: r.querySelector('[data-testid=audit-what]')?.textContent ?? '',
      subject: r.querySelector('[data-testid=audit-subject]')?.textContent ?? '',
      who: r.querySelector('[data-testid=audit-who]')?.textContent ?? '',
      role: r.querySelector('[data-testid=audit-role]')?.textContent ?? '',
      detail: r.querySelector('[data-testid=audit-detail]')?.textContent ?? '',
    })),
  )
}

/** RFC 4180, as a spreadsheet reads the export. */
function readCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += c
  }
  return rows
}

async function openViewer(page: Page, variationId: string): Promise<Locator> {
  await showShapes(page, [variationId])
  await page.locator(`[data-testid=variation][data-shape-id="${variationId}"] .m-variation-foot`).click()
  await page.keyboard.press('Enter')
  const viewer = page.locator('[data-testid=viewer]')
  await viewer.waitFor({ timeout: 15_000 })
  return viewer
}

/** The version label the viewer's strip gives a variation (`v2 · relight of v1` → `v2`). */
async function stripVersion(viewer: Locator, variationId: string): Promise<string> {
  const label = await viewer.locator(`[data-testid=version][data-variation-id="${variationId}"] [data-testid=version-label]`).textContent()
  return /v\d+/.exec(label ?? '')![0]
}

describe('audit trail', () => {
  it('generate, edit, comment, request changes with a note, approve: the timeline, the activity page and the CSV tell all five', async () => {
    // Ben (editor) generates a variation of the shot, then edits it (Relight → night).
    const pageB = await ben.newPage()
    await pageB.setViewportSize({ width: 1500, height: 950 })
    await openBoard(pageB, stack.boardId)
    const [parentId] = await generatePrevizVariations(pageB, SHOT, 1)
    const parentCard = pageB.locator(`[data-testid=variation][data-shape-id="${parentId}"]`)
    await showShapes(pageB, [parentId!])
    await parentCard.locator('[data-testid=variation-edit]').click({ timeout: 30_000 })
    const before = await shotVariationIds(pageB, SHOT)
    await parentCard.locator('[data-testid=edit-relight-night]').click()
    await expect.poll(async () => (await shotVariationIds(pageB, SHOT)).filter((id) => !before.includes(id)).length, { timeout: 30_000 }).toBe(1)
    const editId = (await shotVariationIds(pageB, SHOT)).find((id) => !before.includes(id))!
    await pageB.locator(`[data-testid=variation][data-shape-id="${editId}"]`).and(pageB.locator('[data-status=succeeded]')).waitFor({ state: 'attached', timeout: 240_000 })
    // One board open at a time: each live canvas costs the (shared) test machine.
    await pageB.close()

    // Rui (reviewer) comments on the edit in the viewer.
    const pageR = await rui.newPage()
    await pageR.setViewportSize({ width: 1500, height: 950 })
    await openBoard(pageR, stack.boardId)
    const viewerR = await openViewer(pageR, editId)
    await viewerR.locator('[data-testid=comment-input]').fill(COMMENT)
    await viewerR.locator('[data-testid=comment-submit]').click()
    await expect.poll(() => viewerR.locator('[data-testid=thread-body]').first().textContent(), { timeout: 20_000 }).toContain('The lamp flickers')
    await pageR.close()

    // Ada (producer) requests changes: the button opens a note field, and without a note nothing is sent.
    const pageA = await ada.newPage()
    await pageA.setViewportSize({ width: 1500, height: 950 })
    await openBoard(pageA, stack.boardId)
    const viewer = await openViewer(pageA, editId)
    await viewer.locator('[data-testid=request-changes]').click()
    const form = viewer.locator('[data-testid=decision-form][data-decision=changes_requested]')
    await form.waitFor()
    expect(await form.locator('[data-testid=decision-submit]').isDisabled()).toBe(true)
    // Past the UI, the API refuses it too, naming the note, and stores nothing.
    const bare = await ada.request.post(`/api/boards/${stack.boardId}/variations/${encodeURIComponent(editId)}/decision`, { data: { decision: 'changes_requested' } })
    expect(bare.status()).toBe(400)
    expect((await bare.json()).error.field).toBe('note')
    expect((await stack.sql`SELECT id FROM review_decisions WHERE variation_id = ${editId}`).length).toBe(0)
    await form.locator('[data-testid=decision-note]').fill(NOTE)
    await form.locator('[data-testid=decision-submit]').click()
    await expect.poll(() => viewer.locator('[data-testid=review-state]').getAttribute('data-state'), { timeout: 20_000 }).toBe('changes_requested')
    await form.waitFor({ state: 'detached' })

    // Then approves, without a note (it is optional).
    await viewer.locator('[data-testid=approve]').click()
    await viewer.locator('[data-testid=decision-form][data-decision=approved] [data-testid=decision-submit]').click()
    await expect.poll(() => viewer.locator('[data-testid=review-state]').getAttribute('data-state'), { timeout: 20_000 }).toBe('approved')

    // The versions as the viewer's strip numbers them.
    const parentV = await stripVersion(viewer, parentId!)
    const editV = await stripVersion(viewer, editId)
    expect(parentV).not.toBe(editV)

    // The viewer's Activity tab: this variation's trail, then the whole shot's.
    await viewer.locator('[data-testid=side-tab-activity]').click()
    const panel = viewer.locator('[data-testid=activity-panel]')
    const expected = [
      { what: 'Approved', subject: editV, who: 'Ada Moreau', role: 'producer', detail: '' },
      { what: 'Requested changes', subject: editV, who: 'Ada Moreau', role: 'producer', detail: NOTE },
      { what: 'Commented', subject: editV, who: 'Rui Tanaka', role: 'reviewer', detail: COMMENT },
      { what: 'Edited', subject: `${editV} · edit of ${parentV}`, who: 'Ben Okafor', role: 'editor', detail: '' },
      { what: 'Generated', subject: parentV, who: 'Ben Okafor', role: 'editor', detail: '' },
    ]
    const shotTitle = "'Shot 1 — Opening'"
    const withTitle = expected.map((e) => ({ ...e, subject: `${e.subject} · ${shotTitle}` }))
    const strip = (rows: Awaited<ReturnType<typeof timelineRows>>) => rows.map((r) => ({ ...r, detail: r.what === 'Generated' || r.what === 'Edited' ? '' : r.detail }))
    // The edit's own trail: its making, the comment and both decisions (its parent's generation is the parent's).
    await expect.poll(async () => strip(await timelineRows(panel)), { timeout: 20_000 }).toEqual(withTitle.slice(0, 4))
    await panel.locator('[data-testid=activity-scope-shot]').click()
    await expect.poll(async () => strip(await timelineRows(panel)).filter((r) => r.subject.startsWith(editV) || r.subject.startsWith(`${parentV} `)), { timeout: 20_000 }).toEqual(withTitle)
    await pageA.screenshot({ path: path.join(SCREENSHOT_DIR, 'audit-trail-viewer.png') })

    // The workspace activity page, opened from the workspace's buttons on the home page.
    await pageA.keyboard.press('Escape')
    await pageA.goto('/')
    await pageA.locator('[data-testid=open-activity]').first().click()
    await pageA.waitForURL(/\/workspaces\/[^/]+\/activity/)
    const trail = pageA.locator('[data-testid=activity]')
    const pageRows = (await timelineRows(trail)).filter((r) => r.subject.includes(shotTitle))
    expect(strip(pageRows)).toEqual(withTitle)
    expect(await trail.locator('[data-testid=audit-board]').first().textContent()).toBe('Lighthouse — launch film')

    // Filtered by person (Rui) and by kind (requested changes).
    await pageA.locator('#f-person').selectOption({ label: 'Rui Tanaka' })
    await pageA.locator('[data-testid=activity-apply]').click()
    await expect.poll(async () => (await timelineRows(trail)).map((r) => `${r.what} ${r.who}`)).toEqual(['Commented Rui Tanaka'])
    await pageA.locator('#f-person').selectOption('')
    await pageA.locator('#f-kind').selectOption('changes_requested')
    await pageA.locator('[data-testid=activity-apply]').click()
    await expect.poll(async () => (await timelineRows(trail)).map((r) => `${r.what} ${r.detail}`)).toEqual([`Requested changes ${NOTE}`])
    await pageA.locator('#f-kind').selectOption('')
    await pageA.locator('[data-testid=activity-apply]').click()
    await expect.poll(async () => (await timelineRows(trail)).length).toBeGreaterThanOrEqual(5)

    // The CSV export says what the page says, row for row, and downloads under a dated name.
    const exportHref = await pageA.locator('[data-testid=activity-export]').getAttribute('href')
    const res = await ada.request.get(exportHref!)
    expect(res.status()).toBe(200)
    expect(res.headers()['content-type']).toContain('text/csv')
    expect(res.headers()['content-disposition']).toMatch(/^attachment; filename="northwind-studio-activity-\d{4}-\d{2}-\d{2}\.csv"$/)
    const [header, ...csv] = readCsv(await res.text())
    expect(header).toEqual(['When (UTC)', 'Board', 'Shot', 'Version', 'What', 'Person', 'Role', 'Model', 'Details'])
    const all = await timelineRows(trail)
    expect(csv.length).toBe(all.length)
    csv.forEach((c, i) => {
      const row = all[i]!
      expect([c[4], c[5], c[6]]).toEqual([row.what, row.who, row.role])
      expect(row.subject).toContain(c[3]!.replace(/ \(edit of (v\d+)\)$/, ' · edit of $1'))
      if (c[2]) expect(row.subject).toContain(`'${c[2]}'`)
      expect(c[8]).toBe(row.detail)
    })
    const mine = csv.filter((c) => c[2] === 'Shot 1 — Opening')
    expect(mine.map((c) => [c[3], c[4], c[5], c[6]])).toEqual([
      [editV, 'Approved', 'Ada Moreau', 'producer'],
      [editV, 'Requested changes', 'Ada Moreau', 'producer'],
      [editV, 'Commented', 'Rui Tanaka', 'reviewer'],
      [`${editV} (edit of ${parentV})`, 'Edited', 'Ben Okafor', 'editor'],
      [parentV, 'Generated', 'Ben Okafor', 'editor'],
    ])
    expect(mine[2]![8]).toBe(COMMENT)

    // A reviewer reads the same trail; nobody reads another workspace's.
    const asRui = await rui.request.get(`/api/workspaces/${stack.workspaceId}/activity?kind=approved`)
    expect(asRui.status()).toBe(200)
    expect(((await asRui.json()).items as { variationId: string }[]).map((i) => i.variationId)).toContain(editId)
    const elsewhere = await rui.request.get(`/api/workspaces/00000000-0000-4000-8000-000000000000/activity`)
    expect(elsewhere.status()).toBe(404)

    await pageA.setViewportSize({ width: 1280, height: 900 })
    await pageA.goto(`/workspaces/${stack.workspaceId}/activity`)
    await trail.waitFor()
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    await pageA.screenshot({ path: path.join(SCREENSHOT_DIR, 'audit-trail.png'), fullPage: true })
    await pageA.close()

    // The bell names what was decided: Ben hears that Ada approved which version of which shot.
    const feed = await ben.request.get(`/api/feed?workspaceId=${stack.workspaceId}`)
    const decisions = ((await feed.json()).items as { type: string; variationId: string }[]).filter((i) => i.type === 'review.decision' && i.variationId === editId)
    expect(decisions.length).toBe(2)
    const bell = await ben.newPage()
    await openBoard(bell, stack.boardId)
    await bell.locator('[data-testid=feed-bell]').click()
    await expect.poll(() => bell.locator('[data-testid=feed-item][data-type="review.decision"]').first().textContent(), { timeout: 20_000 }).toContain(`Ada Moreau approved ${editV} of ${shotTitle}`)
    await bell.close()
  })
})
