import { mkdir } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { openBoard, shotVariationIds, startE2EStack, type E2EStack } from './harness'

let stack: E2EStack
let ada: BrowserContext
let ben: BrowserContext

/** Pictures of the card mid-render, for whoever reviews the UI (outside git). */
const SHOTS = '/tmp/shots-progress'
const SHOT = 'shape:demo-shot-1'

beforeAll(async () => {
  // Signed URLs that live 70 s: browsers re-sign them every ~10 s, so a refresh happens in the test.
  stack = await startE2EStack({ env: { MEDIA_URL_TTL_SECONDS: '70' } })
  await mkdir(SHOTS, { recursive: true })
  ada = await stack.signedIn('local:ada') // producer
  ben = await stack.signedIn('local:ben') // editor
})

afterAll(async () => {
  await ada?.close()
  await ben?.close()
  await stack?.close()
})

async function openBoardPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage()
  await page.setViewportSize({ width: 1440, height: 900 })
  await openBoard(page, stack.boardId)
  return page
}

const variationIds = (page: Page) => shotVariationIds(page, SHOT)

/**
 * Waits in the page itself (no round trip per look) until the card's bar shows a stage with a
 * percentage, and returns what it said then and whether the video was already there.
 */
async function seeRenderingPercent(page: Page, variationId: string): Promise<{ label: string; videoPlaying: boolean }> {
  const handle = await page.waitForFunction(
    (id) => {
      const card = document.querySelector(`[data-testid=variation][data-shape-id="${id}"]`)
      const bar = card?.querySelector('[data-testid=job-progress][data-percent]')
      if (!card || !bar) return null
      return { label: bar.getAttribute('aria-valuetext') ?? '', videoPlaying: !!card.querySelector('[data-testid=variation-video]') }
    },
    variationId,
    { timeout: 90_000, polling: 'raf' },
  )
  return (await handle.jsonValue())!
}

describe('live job progress', () => {
  it("both people see the variation's stage and percentage while it renders, and the bar leaves when the video plays", async () => {
    const [adaPage, benPage] = await Promise.all([openBoardPage(ada), openBoardPage(ben)])
    const shot = adaPage.locator(`[data-testid=shot][data-shape-id="${SHOT}"]`)
    await shot.waitFor({ timeout: 30_000 })
    // A long previz, so that there is a render to watch.
    await shot.locator('[data-testid=shot-model]').selectOption('previz')
    await shot.locator('[data-testid=shot-duration]').selectOption('10')
    await expect.poll(() => shot.locator('[data-testid=generate]').textContent()).toMatch(/10 credits/)
    const before = await variationIds(adaPage)
    await shot.locator('[data-testid=generate]').click()
    await expect.poll(async () => (await variationIds(adaPage)).filter((id) => !before.includes(id)).length, { timeout: 30_000 }).toBe(1)
    const variationId = (await variationIds(adaPage)).find((id) => !before.includes(id))!
    // Before the worker reports a number the bar sweeps (a picture only: the job may already be under way).
    await adaPage.locator(`[data-testid=variation][data-shape-id="${variationId}"]`).screenshot({ path: `${SHOTS}/variation-queued.png` }).catch(() => undefined)

    const [seenByAda, seenByBen] = await Promise.all([seeRenderingPercent(adaPage, variationId), seeRenderingPercent(benPage, variationId)])
    for (const seen of [seenByAda, seenByBen]) {
      expect(seen.label).toMatch(/^(Rendering|Encoding|Storing) \d{1,2}%$/)
      expect(seen.videoPlaying).toBe(false)
    }
    const benCard = benPage.locator(`[data-testid=variation][data-shape-id="${variationId}"]`)
    // For the picture, a bar well under way; a render that finishes first just leaves no picture.
    const wellUnderWay = await benPage
      .waitForFunction((id) => Number(document.querySelector(`[data-shape-id="${id}"] [data-testid=job-progress]`)?.getAttribute('data-percent') ?? 0) >= 30, variationId, { timeout: 60_000, polling: 'raf' })
      .then(() => true, () => false)
    if (wellUnderWay) await benCard.screenshot({ path: `${SHOTS}/variation-mid-render.png` }).catch(() => undefined)
    await benPage.screenshot({ path: `${SHOTS}/board-mid-render.png` })

    for (const page of [adaPage, benPage]) {
      const card = page.locator(`[data-testid=variation][data-shape-id="${variationId}"]`)
      await expect.poll(() => card.getAttribute('data-status'), { timeout: 120_000 }).toBe('succeeded')
      await card.locator('[data-testid=variation-video]').waitFor({ timeout: 30_000 })
      expect(await card.locator('[data-testid=job-progress]').count()).toBe(0)
    }
    await benCard.screenshot({ path: `${SHOTS}/variation-played.png` }).catch(() => undefined)

    // The card keeps playing across a re-signed URL: the video is not reloaded (it used to restart).
    const video = adaPage.locator(`[data-testid=variation][data-shape-id="${variationId}"] [data-testid=variation-video]`)
    // The card sets its video's src once it is on screen: wait for it before taking it as the one to keep.
    await expect.poll(() => video.getAttribute('src'), { timeout: 30_000 }).not.toBeNull()
    const src = await video.getAttribute('src')
    await video.evaluate((v: HTMLVideoElement) => {
      ;(window as unknown as { loads: number }).loads = 0
      v.addEventListener('loadstart', () => (window as unknown as { loads: number }).loads++)
    })
    await adaPage.waitForResponse((r) => r.url().endsWith('/api/assets/sign') && r.ok(), { timeout: 30_000 })
    await adaPage.waitForTimeout(1500)
    expect(await video.getAttribute('src')).toBe(src)
    expect(await adaPage.evaluate(() => (window as unknown as { loads: number }).loads)).toBe(0)
    expect(await video.evaluate((v: HTMLVideoElement) => !v.paused && v.currentTime > 0)).toBe(true)
  })
})

describe('shot parameters per model', () => {
  it('the shot card shows only the fields the chosen model takes, and prices them', async () => {
    const page = await openBoardPage(ada)
    const shot = page.locator(`[data-testid=shot][data-shape-id="${SHOT}"]`)
    await shot.waitFor({ timeout: 30_000 })
    await shot.locator('[data-testid=shot-model]').selectOption('previz')
    await expect.poll(() => shot.locator('[data-testid=shot-params] .m-field-label').allTextContents()).toEqual(['Duration', 'Aspect', 'Camera', 'Resolution'])

    // Without a Runway key the menu greys Gen-4 Image out; pick it the way a synced edit would.
    const setShot = (patch: { props?: Record<string, unknown>; meta?: Record<string, unknown> }) =>
      page.evaluate(
        ([id, p]) => {
          const editor = (window as unknown as { __montageEditor: { updateShape(s: unknown): void } }).__montageEditor
          editor.updateShape({ id, type: 'shot', ...p })
        },
        [SHOT, patch] as const,
      )
    await setShot({ props: { model: 'gen4_image' } })
    await expect.poll(() => shot.locator('[data-testid=shot-params] .m-field-label').allTextContents()).toEqual(['Aspect', 'Resolution'])
    expect(await shot.locator('[data-testid=shot-duration]').count()).toBe(0)
    expect(await shot.locator('[data-testid=shot-camera]').count()).toBe(0)
    await expect.poll(() => shot.locator('[data-testid=generate]').textContent()).toMatch(/5 credits/)
    await shot.locator('[data-testid=shot-param-resolution]').selectOption('1080p')
    await expect.poll(() => shot.locator('[data-testid=generate]').textContent()).toMatch(/8 credits/)
    await shot.screenshot({ path: `${SHOTS}/shot-gen4-image.png` })

    // Act-Two is priced by its performance clip: no duration to choose, a price "from" the shortest clip.
    await setShot({ props: { model: 'act_two' } })
    await expect.poll(() => shot.locator('[data-testid=shot-params] .m-field-label').allTextContents()).toEqual(['Aspect', 'Expression', 'Body'])
    expect(await shot.locator('[data-testid=shot-duration]').count()).toBe(0)
    expect(await shot.locator('[data-testid=shot-params]').getAttribute('title')).toMatch(/character.*driving performance/)
    await expect.poll(() => shot.locator('[data-testid=generate]').textContent()).toMatch(/from 15 credits/)
    await shot.screenshot({ path: `${SHOTS}/shot-act-two.png` })

    // Veo 3.1: 4, 6 or 8 s, landscape or portrait, first or first-and-last keyframes, sound (which doubles its price).
    await setShot({ props: { model: 'veo3.1', duration: 8, aspectRatio: '16:9' } })
    await expect.poll(() => shot.locator('[data-testid=shot-params] .m-field-label').allTextContents()).toEqual(['Duration', 'Aspect', 'Keyframes', 'Sound'])
    expect(await shot.locator('[data-testid=shot-duration] option').allTextContents()).toEqual(['4 s', '6 s', '8 s'])
    await shot.locator('[data-testid=shot-param-keyframes]').selectOption('first_last')
    expect(await shot.locator('[data-testid=shot-params]').getAttribute('title')).toMatch(/1st the first frame, 2nd the last frame/)
    await expect.poll(() => shot.locator('[data-testid=generate]').textContent()).toMatch(/· 160 credits/)
    await shot.locator('[data-testid=shot-param-audio]').selectOption('on')
    await expect.poll(() => shot.locator('[data-testid=generate]').textContent()).toMatch(/· 320 credits/)
    await shot.screenshot({ path: `${SHOTS}/shot-veo.png` })

    // Aleph 2: up to five keyframe images after the clip; priced by the clip, 56 credits at least.
    await setShot({ props: { model: 'aleph2' } })
    await expect.poll(() => shot.locator('[data-testid=shot-params] .m-field-label').allTextContents()).toEqual(['Keyframes'])
    expect(await shot.locator('[data-testid=shot-param-keyframes] option').allTextContents()).toEqual(['None', '1 after the clip', '2 after the clip', '3 after the clip', '4 after the clip', '5 after the clip'])
    await expect.poll(() => shot.locator('[data-testid=generate]').textContent()).toMatch(/from 56 credits/)
    await shot.locator('[data-testid=shot-param-keyframes]').selectOption('3')
    await shot.screenshot({ path: `${SHOTS}/shot-aleph2.png` })
    await setShot({ props: { model: 'previz' } })
    await page.close()
  })
})
