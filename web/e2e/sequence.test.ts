import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { layoutTimeline, SEQUENCE_RENDER_MODEL, type TTimelineClip } from '@montage/core'
// The testing entry only: the worker's own entry would load ONNX Runtime into the test process.
import { resolveFfmpegPaths } from '@montage/gpu-worker/testing'
import { openBoard, REPO_ROOT, SCREENSHOT_DIR, showShapes, startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation, storedRecord, type SucceededVariation } from './review-fixtures'
import { formatTimecode } from '../lib/client/timecode'

const run = promisify(execFile)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const FFMPEG = process.env.FFMPEG_PATH || (require('@ffmpeg-installer/ffmpeg') as { path: string }).path

const SHOT = 'shape:demo-shot-1'
const FPS = 24
/** Each test clip lasts 2 s: 48 frames at the sequence's 24 fps. */
const CLIP_FRAMES = 48

let stack: E2EStack
let ada: BrowserContext // producer
let ben: BrowserContext // editor
let pageA: Page
let pageB: Page
/** Three approved variations, each a clip of its own colours, and one left pending. */
let approved: [SucceededVariation, SucceededVariation, SucceededVariation]
let pending: SucceededVariation
let sequenceId: string

/** A 2 s, 24 fps H.264 clip of a soft gradient in its own colours, and its first frame as a poster. */
async function gradientClip(dir: string, name: string, rgb: [string, string, string]): Promise<{ video: Buffer; poster: Buffer }> {
  const video = path.join(dir, `${name}.mp4`)
  const poster = path.join(dir, `${name}.png`)
  const [r, g, b] = rgb
  await run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `nullsrc=s=640x360:r=24:d=2,format=rgb24,geq=r='${r}':g='${g}':b='${b}'`, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', video])
  await run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-i', video, '-frames:v', '1', poster])
  return { video: await readFile(video), poster: await readFile(poster) }
}

type TClipRecord = { id: string; index: string; variationId: string; inFrame: number; outFrame: number; transition: string; transitionFrames: number; gainDb: number }

/** The sequence's clips as this page's editor holds them, in their timeline order (tldraw index). */
function clipRecords(page: Page, seqId: string): Promise<TClipRecord[]> {
  return page.evaluate((seqId) => {
    type TShape = { id: string; type: string; index: string; props: Record<string, unknown> }
    const editor = (window as unknown as { __montageEditor: { getSortedChildIdsForParent(id: string): string[]; getShape(id: string): TShape | undefined } }).__montageEditor
    return editor
      .getSortedChildIdsForParent(seqId)
      .map((id) => editor.getShape(id)!)
      .filter((s) => s.type === 'sequence-clip')
      .map((s) => ({ id: s.id, index: s.index, ...(s.props as { variationId: string; inFrame: number; outFrame: number; transition: string; transitionFrames: number; gainDb: number }) }))
  }, seqId)
}

/** What the page's timeline shows: the clips left to right with the in and out points they show. */
async function timelineShows(page: Page): Promise<{ variationId: string; inFrame: number; outFrame: number }[]> {
  const blocks = await page.locator('[data-testid=sequence] [data-testid=sequence-clip]').evaluateAll((els) =>
    els.map((e) => ({ left: e.getBoundingClientRect().left, variationId: e.getAttribute('data-variation-id')!, inFrame: Number(e.getAttribute('data-in')), outFrame: Number(e.getAttribute('data-out')) })),
  )
  return blocks.sort((a, b) => a.left - b.left).map(({ variationId, inFrame, outFrame }) => ({ variationId, inFrame, outFrame }))
}

const clipBlock = (page: Page, variationId: string) => page.locator(`[data-testid=sequence] [data-testid=sequence-clip][data-variation-id="${variationId}"]`)

async function decide(variationId: string, decision: 'approved' | 'changes_requested'): Promise<void> {
  const res = await ada.request.post(`/api/boards/${stack.boardId}/variations/${encodeURIComponent(variationId)}/decision`, { data: { decision, ...(decision === 'changes_requested' ? { note: 'Needs another pass' } : {}) } })
  expect(res.status()).toBe(201)
}

/** Leaves whatever field had the keyboard and gives it to the canvas, as a click on the board does. */
async function blurAndFocusCanvas(page: Page): Promise<void> {
  await page.evaluate(() => {
    ;(document.activeElement as HTMLElement | null)?.blur()
    ;(window as unknown as { __montageEditor: { focus(): void } }).__montageEditor.focus()
  })
}

async function select(page: Page, ids: string[]): Promise<void> {
  await page.evaluate((ids) => {
    ;(window as unknown as { __montageEditor: { select(...ids: string[]): void } }).__montageEditor.select(...ids)
  }, ids)
}

/** Presses at the middle of `from` and releases at `to` in small steps, as a hand drags. */
async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  await page.mouse.move(from.x + (to.x - from.x) * 0.1, from.y + (to.y - from.y) * 0.1, { steps: 4 })
  await page.mouse.move(to.x, to.y, { steps: 12 })
  await page.mouse.up()
}

async function center(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).first().boundingBox()
  if (!box) throw new Error(`${selector} is not on screen`)
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
}

beforeAll(async () => {
  // The workers too: the last test renders the sequence for real.
  stack = await startE2EStack({ services: ['web', 'collab-server', 'workflows', 'gpu-worker'] })
  ada = await stack.signedIn('local:ada')
  ben = await stack.signedIn('local:ben')
  const dir = await mkdtemp(path.join(tmpdir(), 'montage-seq-'))
  try {
    const [adaUser] = await stack.sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = 'local:ada'`
    const palettes: [string, string, string][] = [
      ['30+50*X/W', '50+70*Y/H', '90+100*X/W'],
      ['70+90*X/W', '40+30*Y/H', '80+60*Y/H'],
      ['30+30*Y/H', '70+80*X/W', '60+40*Y/H'],
      ['90+40*X/W', '80+40*X/W', '40+30*Y/H'],
    ]
    const made: SucceededVariation[] = []
    for (const [i, palette] of palettes.entries()) {
      made.push(await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId: SHOT, createdBy: adaUser!.id, durationSeconds: 2, media: await gradientClip(dir, `clip-${i}`, palette) }))
    }
    approved = made.slice(0, 3) as typeof approved
    pending = made[3]!
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  // Approved through the review route a producer uses.
  for (const v of approved) await decide(v.variationId, 'approved')
  pageA = await ada.newPage()
  pageB = await ben.newPage()
  await Promise.all([openBoard(pageA, stack.boardId), openBoard(pageB, stack.boardId)])
  for (const page of [pageA, pageB]) {
    for (const v of approved) await page.locator(`[data-testid=variation][data-shape-id="${v.variationId}"] [data-testid=review-state]`).filter({ hasText: 'Approved' }).waitFor({ timeout: 30_000 })
  }
}, 400_000)

afterAll(async () => {
  await Promise.all([ada?.close(), ben?.close()])
  await stack?.close()
})

describe('a sequence on the board', () => {
  it('two people build one sequence of three approved variations at once: one reorders while the other trims, and both see the same cut', async () => {
    const [v1, v2, v3] = approved.map((v) => v.variationId) as [string, string, string]

    // Ada adds a sequence and marks it for delivery.
    await pageA.locator('[data-testid=add-sequence]').click()
    const seqCard = pageA.locator('[data-testid=sequence]')
    await seqCard.waitFor()
    sequenceId = (await seqCard.getAttribute('data-shape-id'))!
    await seqCard.locator('[data-testid=sequence-title]').fill('Spring spot')
    await seqCard.locator('[data-testid=sequence-delivery]').check()

    // She drags the first variation card onto the sequence: it becomes clip 1 and its card goes back.
    await showShapes(pageA, [sequenceId, v1])
    const cardBefore = await pageA.evaluate((id) => (window as unknown as { __montageEditor: { getShape(id: string): { x: number; y: number } } }).__montageEditor.getShape(id), v1)
    await drag(pageA, await center(pageA, `[data-testid=variation][data-shape-id="${v1}"] .m-variation-foot`), await center(pageA, '[data-testid=sequence] [data-testid=sequence-video-lane]'))
    await expect.poll(() => clipRecords(pageA, sequenceId).then((c) => c.map((x) => x.variationId)), { timeout: 10_000 }).toEqual([v1])
    const cardAfter = await pageA.evaluate((id) => (window as unknown as { __montageEditor: { getShape(id: string): { x: number; y: number; parentId: string } } }).__montageEditor.getShape(id), v1)
    expect({ x: cardAfter.x, y: cardAfter.y }).toEqual({ x: cardBefore.x, y: cardBefore.y })
    expect(cardAfter.parentId.startsWith('page:')).toBe(true)

    // The other two through "Add selected".
    await select(pageA, [v2, v3])
    await seqCard.locator('[data-testid=sequence-add-selected]').click()
    await expect.poll(() => clipRecords(pageA, sequenceId).then((c) => c.map((x) => x.variationId)), { timeout: 10_000 }).toEqual([v1, v2, v3])

    // A variation nobody approved is refused by a sequence for delivery, with the reason.
    await select(pageA, [pending.variationId])
    await seqCard.locator('[data-testid=sequence-add-selected]').click()
    await expect.poll(() => seqCard.locator('[data-testid=sequence-error]').textContent()).toContain('marked for delivery and takes approved variations only')
    expect((await clipRecords(pageA, sequenceId)).length).toBe(3)

    // Ben sees the same three clips.
    await pageB.locator(`[data-testid=sequence][data-shape-id="${sequenceId}"]`).waitFor({ timeout: 15_000 })
    await expect.poll(() => timelineShows(pageB).then((c) => c.map((x) => x.variationId)), { timeout: 15_000 }).toEqual([v1, v2, v3])
    await select(pageA, [])
    await select(pageB, [])
    await showShapes(pageA, [sequenceId])
    await showShapes(pageB, [sequenceId])

    // At once: Ada drags clip 3 to the front, and while her drag is under way Ben trims clip 1's out
    // point (typed) and clip 2's in point (its edge); she drops after his trims have reached her.
    const lane = (await pageA.locator('[data-testid=sequence] [data-testid=sequence-video-lane]').boundingBox())!
    const from = await center(pageA, `[data-testid=sequence] [data-testid=sequence-clip][data-variation-id="${v3}"]`)
    const to = { x: lane.x + 4, y: lane.y + lane.height / 2 }
    await pageA.mouse.move(from.x, from.y)
    await pageA.mouse.down()
    await pageA.mouse.move((from.x + to.x) / 2, to.y, { steps: 8 })
    await clipBlock(pageB, v1).click()
    const out = pageB.locator('[data-testid=sequence-inspector] [data-testid=clip-out]')
    await out.fill('00:00:01:12')
    await out.press('Enter')
    await clipBlock(pageB, v2).locator('[data-testid=clip-trim-in]').hover()
    const handle = (await clipBlock(pageB, v2).locator('[data-testid=clip-trim-in]').boundingBox())!
    await drag(pageB, { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 }, { x: handle.x + handle.width / 2 + 40, y: handle.y + handle.height / 2 })
    await expect.poll(() => clipRecords(pageA, sequenceId).then((c) => c.find((x) => x.variationId === v2)!.inFrame), { timeout: 10_000 }).toBeGreaterThan(0)
    await pageA.mouse.move(to.x, to.y, { steps: 8 })
    await pageA.mouse.up()

    // Both editors converge on the same records: Ada's order and Ben's trims.
    const settled = async (page: Page) => (await clipRecords(page, sequenceId)).map(({ variationId, inFrame, outFrame }) => ({ variationId, inFrame, outFrame }))
    await expect.poll(() => settled(pageA).then((c) => c.map((x) => x.variationId)), { timeout: 15_000 }).toEqual([v3, v1, v2])
    // (Each side is read on every poll: the other's last edits may still be on their way.)
    await expect.poll(async () => JSON.stringify(await settled(pageB)) === JSON.stringify(await settled(pageA)), { timeout: 15_000 }).toBe(true)
    const clips = await settled(pageA)
    expect(clips[0]).toEqual({ variationId: v3, inFrame: 0, outFrame: CLIP_FRAMES })
    expect(clips[1]).toEqual({ variationId: v1, inFrame: 0, outFrame: 36 })
    expect(clips[2]!.variationId).toBe(v2)
    expect(clips[2]!.inFrame).toBeGreaterThan(0)
    expect(clips[2]!.outFrame).toBe(CLIP_FRAMES)
    // What each timeline shows is what the records hold, and the length is the sum of the trimmed clips.
    const total = clips.reduce((sum, c) => sum + c.outFrame - c.inFrame, 0)
    for (const page of [pageA, pageB]) {
      await expect.poll(() => timelineShows(page), { timeout: 10_000 }).toEqual(clips)
      await expect.poll(() => page.locator('[data-testid=sequence] [data-testid=sequence-length]').textContent()).toBe(formatTimecode(total, FPS))
    }
    // The server's stored copy holds the same.
    await expect.poll(async () => {
      const stored = await Promise.all((await clipRecords(pageA, sequenceId)).map((c) => storedRecord(stack.sql, stack.boardId, c.id)))
      return stored.map((r) => (r as { props: { variationId: string; inFrame: number; outFrame: number } } | undefined)?.props).map((p) => p && { variationId: p.variationId, inFrame: p.inFrame, outFrame: p.outFrame })
    }, { timeout: 20_000 }).toEqual(clips)

    // Ada crossfades into the third clip (6 frames): the sequence gets 6 frames shorter for both.
    await clipBlock(pageA, v2).click()
    await pageA.locator('[data-testid=sequence-inspector] [data-testid=clip-transition]').selectOption('crossfade')
    const frames = pageA.locator('[data-testid=sequence-inspector] [data-testid=clip-transition-frames]')
    await frames.fill('6')
    await expect.poll(() => pageB.locator('[data-testid=sequence] [data-testid=sequence-length]').textContent(), { timeout: 10_000 }).toBe(formatTimecode(total - 6, FPS))
    const afterFade = await clipRecords(pageB, sequenceId)
    expect(afterFade[2]).toMatchObject({ variationId: v2, transition: 'crossfade', transitionFrames: 6 })
    // The render's price follows the length: one credit a second, rounded up.
    await expect.poll(() => pageB.locator('[data-testid=sequence] [data-testid=sequence-render]').textContent()).toBe(`Render sequence · ${Math.ceil((total - 6) / FPS)} credits`)

    // Ben adds an audio track; Ada sees its lane, ready for a sound.
    await pageB.locator('[data-testid=sequence] [data-testid=sequence-add-track]').click()
    await pageA.locator(`[data-testid=sequence][data-shape-id="${sequenceId}"] [data-testid=sequence-audio-lane]`).waitFor({ timeout: 10_000 })

    // Undo takes the crossfade length back, then the crossfade; redo puts it back. Nothing else moves.
    await blurAndFocusCanvas(pageA)
    await select(pageA, [sequenceId])
    await pageA.keyboard.press('Control+z')
    await expect.poll(() => clipRecords(pageA, sequenceId).then((c) => c[2]!.transitionFrames), { timeout: 5_000 }).not.toBe(6)
    await pageA.keyboard.press('Control+z')
    await expect.poll(() => clipRecords(pageA, sequenceId).then((c) => c[2]!.transition), { timeout: 5_000 }).toBe('cut')
    expect((await clipRecords(pageA, sequenceId)).map((c) => c.variationId)).toEqual([v3, v1, v2])
    await pageA.keyboard.press('Control+Shift+z')
    await pageA.keyboard.press('Control+Shift+z')
    await expect.poll(() => clipRecords(pageB, sequenceId).then((c) => ({ transition: c[2]!.transition, transitionFrames: c[2]!.transitionFrames })), { timeout: 10_000 }).toEqual({ transition: 'crossfade', transitionFrames: 6 })

    // Ben lowers the first clip's gain; Ada sees it.
    await clipBlock(pageB, v3).click()
    await pageB.locator('[data-testid=sequence-inspector] [data-testid=clip-gain]').fill('-6')
    await expect.poll(() => clipRecords(pageA, sequenceId).then((c) => c[0]!.gainDb), { timeout: 10_000 }).toBe(-6)

    // Ada changes the rate to 30 fps: in and out points keep their times (frames scale), and back.
    const times = (c: TClipRecord[]) => c.map(({ inFrame, outFrame, transitionFrames }) => ({ inFrame, outFrame, transitionFrames }))
    const at24 = times(await clipRecords(pageA, sequenceId))
    const fps = pageA.locator(`[data-testid=sequence][data-shape-id="${sequenceId}"] [data-testid=sequence-fps]`)
    await fps.selectOption('30')
    const scaled = at24.map((c) => ({ inFrame: Math.round((c.inFrame * 30) / 24), outFrame: Math.round((c.outFrame * 30) / 24), transitionFrames: Math.round((c.transitionFrames * 30) / 24) }))
    await expect.poll(() => clipRecords(pageB, sequenceId).then(times), { timeout: 10_000 }).toEqual(scaled)
    await fps.selectOption('24')
    await expect.poll(() => clipRecords(pageB, sequenceId).then(times), { timeout: 10_000 }).toEqual(at24)
  })

  it('plays as one timeline across clips, Space pauses, the ruler seeks; a revoked approval marks it not deliverable; a refused render leaves nothing', async () => {
    const seqA = pageA.locator(`[data-testid=sequence][data-shape-id="${sequenceId}"]`)
    const player = seqA.locator('[data-testid=sequence-player]')
    const order = (await clipRecords(pageA, sequenceId)).map((c) => c.id)
    await blurAndFocusCanvas(pageA)
    await select(pageA, [sequenceId])
    await showShapes(pageA, [sequenceId])

    // Play from the start: the playhead runs from the first clip into the second without a render.
    await seqA.locator('[data-testid=sequence-play]').click()
    await expect.poll(() => player.getAttribute('data-clip-id'), { timeout: 15_000 }).toBe(order[1])
    expect(await player.getAttribute('data-playing')).toBe('true')
    expect(await seqA.locator('[data-testid=sequence-player-video]').count()).toBeGreaterThan(0)
    await pageA.keyboard.press('Space')
    await expect.poll(() => player.getAttribute('data-playing')).toBe('false')
    const paused = Number(await player.getAttribute('data-frame'))
    expect(paused).toBeGreaterThan(CLIP_FRAMES - 1)

    // A click near the ruler's start seeks back into the first clip.
    const ruler = (await seqA.locator('[data-testid=sequence-ruler]').boundingBox())!
    await pageA.mouse.click(ruler.x + 6, ruler.y + ruler.height / 2)
    await expect.poll(async () => Number(await player.getAttribute('data-frame'))).toBeLessThan(CLIP_FRAMES / 2)
    expect(await player.getAttribute('data-clip-id')).toBe(order[0])

    // A producer takes back one approval: both boards mark the sequence out of date at once.
    const [, v2] = approved
    await decide(v2.variationId, 'changes_requested')
    for (const page of [pageA, pageB]) await page.locator(`[data-testid=sequence][data-shape-id="${sequenceId}"] [data-testid=sequence-out-of-date]`).waitFor({ timeout: 20_000 })
    await decide(v2.variationId, 'approved')
    for (const page of [pageA, pageB]) await page.locator(`[data-testid=sequence][data-shape-id="${sequenceId}"] [data-testid=sequence-out-of-date]`).waitFor({ state: 'detached', timeout: 20_000 })

    // Pictures of the sequence on the board, for the team and the README.
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    // Ben leaves, so his cursor does not cover the timeline.
    await pageB.close()
    await select(pageA, [])
    await pageA.keyboard.press('Escape')
    await clipBlock(pageA, approved[0].variationId).click()
    await showShapes(pageA, [sequenceId, ...approved.map((v) => v.variationId)])
    await pageA.waitForTimeout(1_500)
    await pageA.screenshot({ path: path.join(SCREENSHOT_DIR, 'sequence-board.png') })
    await seqA.screenshot({ path: path.join(SCREENSHOT_DIR, 'sequence.png') })

    // Render sequence places a queued version beside the sequence and asks the server for it (held
    // here until the placeholder is seen, then sent on); the refusal takes it back and says why. The
    // server reads the board as stored: an approval taken back (and stored) makes a delivery
    // sequence unrenderable, and the refusal names the clip.
    await decide(v2.variationId, 'changes_requested')
    await expect
      .poll(async () => ((await storedRecord(stack.sql, stack.boardId, v2.variationId))?.props as { reviewState?: string } | undefined)?.reviewState, { timeout: 20_000 })
      .toBe('changes_requested')
    const renders = () => pageA.locator(`[data-testid=variation][data-shot-id="${sequenceId}"]`).count()
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let sent: Record<string, unknown> | null = null
    await pageA.route('**/api/sequences/render', async (route) => {
      sent = route.request().postDataJSON() as Record<string, unknown>
      await held
      await route.continue()
    })
    await seqA.locator('[data-testid=sequence-prores]').check()
    await seqA.locator('[data-testid=sequence-render]').click()
    const placeholder = pageA.locator(`[data-testid=variation][data-shot-id="${sequenceId}"][data-status=queued]`)
    await placeholder.waitFor({ timeout: 10_000 })
    await expect.poll(() => sent, { timeout: 10_000 }).not.toBeNull()
    // With the sha256 of the timeline on screen, so the server renders exactly what this person saw.
    expect(sent).toEqual({ boardId: stack.boardId, sequenceId, variationId: await placeholder.getAttribute('data-shape-id'), prores: true, timelineSha256: expect.stringMatching(/^[a-f0-9]{64}$/) })
    release()
    const error = seqA.locator('[data-testid=sequence-error]')
    await error.waitFor({ timeout: 20_000 })
    expect(await error.textContent()).toMatch(/marked for delivery, so every clip must be approved: Clip \d .* is not/)
    await expect.poll(renders, { timeout: 10_000 }).toBe(0)
    expect(await stack.sql`SELECT id FROM generations WHERE shot_id = ${sequenceId}`).toHaveLength(0)
  })

  it('one person renders the approved cut: both boards get the new version, as long as the timeline and with sound, and the delivery package downloads', async () => {
    const seqA = pageA.locator(`[data-testid=sequence][data-shape-id="${sequenceId}"]`)
    const [, v2] = approved
    // Every clip approved again (the last test took one back), as stored: the server renders from that.
    await decide(v2.variationId, 'approved')
    await expect
      .poll(async () => ((await storedRecord(stack.sql, stack.boardId, v2.variationId))?.props as { reviewState?: string } | undefined)?.reviewState, { timeout: 20_000 })
      .toBe('approved')
    // Ben comes back to the board.
    pageB = await ben.newPage()
    await openBoard(pageB, stack.boardId)
    const seqB = pageB.locator(`[data-testid=sequence][data-shape-id="${sequenceId}"]`)
    await seqB.waitFor({ timeout: 20_000 })
    await seqA.locator('[data-testid=sequence-out-of-date]').waitFor({ state: 'detached', timeout: 20_000 })

    // Ada renders (H.264 only) from the card.
    await pageA.unroute('**/api/sequences/render')
    await seqA.locator('[data-testid=sequence-prores]').uncheck()
    await showShapes(pageA, [sequenceId])
    const [request, response] = await Promise.all([
      pageA.waitForRequest((r) => r.url().endsWith('/api/sequences/render') && r.method() === 'POST'),
      pageA.waitForResponse((r) => r.url().endsWith('/api/sequences/render') && r.request().method() === 'POST'),
      seqA.locator('[data-testid=sequence-render]').click(),
    ])
    expect(response.status()).toBe(202)
    // The last refusal's reason goes once the server takes the render.
    await expect.poll(() => seqA.locator('[data-testid=sequence-error]').count()).toBe(0)
    const renderId = (request.postDataJSON() as { variationId: string }).variationId
    const { generationId } = (await response.json()) as { generationId: string }

    // Both boards show it as a finished version under the sequence, and only it.
    for (const page of [pageA, pageB]) {
      const cards = page.locator(`[data-testid=variation][data-shot-id="${sequenceId}"]`)
      await page.locator(`[data-testid=variation][data-shape-id="${renderId}"][data-status=succeeded]`).waitFor({ timeout: 240_000 })
      expect(await cards.count()).toBe(1)
      expect(await cards.first().getAttribute('data-generation-id')).toBe(generationId)
    }
    const [row] = await stack.sql<{ status: string; model: string; output_asset: string | null }[]>`SELECT status::text AS status, model, output_asset FROM generations WHERE id = ${generationId}`
    expect(row).toMatchObject({ status: 'succeeded', model: SEQUENCE_RENDER_MODEL })
    const props = (page: Page) =>
      page.evaluate((id) => (window as unknown as { __montageEditor: { getShape(id: string): { props: Record<string, unknown> } | undefined } }).__montageEditor.getShape(id)?.props, renderId)
    const expected = { status: 'succeeded', shotId: sequenceId, model: SEQUENCE_RENDER_MODEL, generationId, assetSha256: row!.output_asset }
    for (const page of [pageA, pageB]) await expect.poll(() => props(page), { timeout: 15_000 }).toMatchObject(expected)
    await expect.poll(async () => (await storedRecord(stack.sql, stack.boardId, renderId))?.props, { timeout: 20_000 }).toMatchObject(expected)

    // Its length: the trimmed clips less the crossfades, from the stored clips the server rendered.
    const stored = await Promise.all((await clipRecords(pageA, sequenceId)).map((c) => storedRecord(stack.sql, stack.boardId, c.id)))
    const timelineClips = stored.map((r) => ({ clipId: r!.id as string, ...(r!.props as Pick<TTimelineClip, 'inFrame' | 'outFrame' | 'transition' | 'transitionFrames'>) }))
    expect(timelineClips.filter((c) => c.transition === 'crossfade').map((c) => c.transitionFrames)).toEqual([6])
    const { totalFrames } = layoutTimeline({ clips: timelineClips as TTimelineClip[] })
    expect(totalFrames).toBe(timelineClips.reduce((sum, c) => sum + c.outFrame - c.inFrame, 0) - 6)
    expect(await seqA.locator('[data-testid=sequence-length]').textContent()).toBe(formatTimecode(totalFrames, FPS))
    const { ffprobe } = resolveFfmpegPaths(process.env)
    const probe = await stack.store.withLocalFile(row!.output_asset!, async (file) => {
      const { stdout } = await run(ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type,duration', '-of', 'json', file])
      return JSON.parse(stdout) as { streams: { codec_type: string; duration: string }[] }
    })
    expect(probe.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video'])
    for (const s of probe.streams) expect(Math.abs(Number(s.duration) - totalFrames / FPS), `${s.codec_type} lasts ${s.duration} s`).toBeLessThanOrEqual(1 / FPS)

    // The Export menu now offers the delivery package as a link, and the link gives a zip.
    await select(pageA, [])
    await pageA.keyboard.press('Escape')
    await showShapes(pageA, [sequenceId, renderId])
    await seqA.locator('[data-testid=sequence-export]').click()
    const item = seqA.locator('[data-testid=export-package]')
    expect(await item.evaluate((e) => e.tagName)).toBe('A')
    expect(await item.getAttribute('aria-disabled')).toBeNull()
    const href = (await item.getAttribute('href'))!
    const pkg = await pageA.request.get(href)
    expect(pkg.status()).toBe(200)
    expect(pkg.headers()['content-type']).toBe('application/zip')
    const dir = await mkdtemp(path.join(tmpdir(), 'montage-seq-pkg-'))
    try {
      const zip = path.join(dir, 'package.zip')
      await writeFile(zip, await pkg.body())
      expect((await run('unzip', ['-tq', zip])).stdout).toMatch(/No errors detected/)
      const listing = await zipListing(zip)
      // The render and the three clips at full quality, at least.
      expect(listing.filter((e) => e.name.endsWith('.mp4')).length).toBeGreaterThanOrEqual(4)
      expect(listing.some((e) => e.name.startsWith('render/') && e.name.endsWith('.mp4'))).toBe(true)

      // Pictures for the README: the card with its Export menu open, and what the package holds.
      await mkdir(SCREENSHOT_DIR, { recursive: true })
      await pageA.mouse.move(1, 1)
      await pageA.waitForTimeout(800)
      const card = (await seqA.boundingBox())!
      const menu = (await seqA.locator('.m-seq-export-menu').boundingBox())!
      const x = Math.max(0, Math.min(card.x, menu.x) - 12)
      const y = Math.max(0, Math.min(card.y, menu.y) - 12)
      const right = Math.max(card.x + card.width, menu.x + menu.width) + 12
      const bottom = Math.max(card.y + card.height, menu.y + menu.height) + 12
      await pageA.screenshot({ path: path.join(SCREENSHOT_DIR, 'sequence-export.png'), clip: { x, y, width: right - x, height: bottom - y } })
      const sheet = await ada.newPage()
      try {
        await sheet.setViewportSize({ width: 760, height: 300 })
        await sheet.setContent(await listingPage(pkg.headers()['content-disposition'] ?? '', listing))
        await sheet.evaluate(() => document.fonts.ready)
        await sheet.locator('main').screenshot({ path: path.join(SCREENSHOT_DIR, 'delivery-package.png') })
      } finally {
        await sheet.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

/** The entries of a zip as `unzip -l` lists them: name and size in bytes. */
async function zipListing(zip: string): Promise<{ name: string; bytes: number }[]> {
  const { stdout } = await run('unzip', ['-Z', '-l', zip])
  // zipinfo -l: "-rw-r--r--  2.0 unx   12345 b-   12000 defN 26-Dec-03 19:00 path/in/zip"
  return stdout
    .split('\n')
    .map((line) => /^\S{10}\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(.+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && !m[2]!.endsWith('/'))
    .map((m) => ({ name: m[2]!, bytes: Number(m[1]) }))
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(2)} MB`
}

/** A small page in the app's colours and font listing a package's files and sizes. */
async function listingPage(disposition: string, entries: { name: string; bytes: number }[]): Promise<string> {
  const font = (await readFile(path.join(REPO_ROOT, 'web/public/tldraw-assets/fonts/IBMPlexSans-Medium.woff2'))).toString('base64')
  const file = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'delivery.zip'
  const total = entries.reduce((sum, e) => sum + e.bytes, 0)
  const rows = [...entries]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => `<tr><td>${escapeHtml(e.name)}</td><td class="n">${humanBytes(e.bytes)}</td></tr>`)
    .join('')
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    @font-face { font-family: 'IBM Plex Sans'; src: url(data:font/woff2;base64,${font}) format('woff2'); }
    html, body { margin: 0; background: #0e0f11; color: #e7e7ea; font: 14px/1.45 'IBM Plex Sans', system-ui, sans-serif; }
    main { display: inline-block; margin: 16px; padding: 16px 20px; background: #17181b; border: 1px solid #26282c; border-radius: 8px; min-width: 620px; }
    h1 { font-size: 15px; margin: 0 0 4px; } p { margin: 0 0 12px; color: #9a9ca3; font-size: 13px; }
    table { border-collapse: collapse; width: 100%; } td { padding: 3px 0; border-top: 1px solid #26282c; font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 12.5px; }
    td.n { text-align: right; color: #9a9ca3; padding-left: 24px; white-space: nowrap; } tr.total td { color: #e7e7ea; border-top: 1px solid #34373c; }
  </style></head><body><main>
    <h1>${escapeHtml(file)}</h1>
    <p>The delivery package: the render, each clip at full quality, the editor hand-off files and the manifest, each with Content Credentials.</p>
    <table>${rows}<tr class="total"><td>${entries.length} files</td><td class="n">${humanBytes(total)}</td></tr></table>
  </main></body></html>`
}
