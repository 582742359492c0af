import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext } from 'playwright-core'
import { SCREENSHOT_DIR, newVariationId, openBoard, shotVariationIds, showShapes, startE2EStack, type E2EStack } from './harness'
import { mkdir } from 'node:fs/promises'

let stack: E2EStack
let ada: BrowserContext

beforeAll(async () => {
  stack = await startE2EStack()
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  ada = await stack.signedIn('local:ada')
})

afterAll(async () => {
  await ada?.close()
  await stack?.close()
})

const SHOT = 'shape:demo-shot-1'

describe('camera moves beyond push, pull, pan and tilt', () => {
  it('an orbit asks for its foreground, takes one drawn on the plate, and renders', async () => {
    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    await showShapes(page, [SHOT])
    const shot = page.locator(`[data-testid=shot][data-shape-id="${SHOT}"]`)
    await shot.locator('[data-testid=shot-model]').selectOption('previz')
    await shot.locator('[data-testid=shot-duration]').selectOption('2')
    await shot.locator('[data-testid=shot-camera]').selectOption('orbit')
    await expect(shot.locator('[data-testid=shot-draw-framing]').textContent()).resolves.toBe('Draw')

    // Generate before anything is drawn: refused, saying what is missing, and nothing is started.
    const before = await shotVariationIds(page, SHOT)
    await shot.locator('[data-testid=generate]').click()
    await expect.poll(() => shot.locator('[data-testid=shot-error]').textContent(), { timeout: 15_000 }).toMatch(/needs layer information: draw the foreground on the plate/)
    expect(await shotVariationIds(page, SHOT)).toEqual(before)

    await shot.locator('[data-testid=shot-draw-framing]').click()
    const dialog = page.locator('[data-testid=camera-framing]')
    await dialog.waitFor()
    // A depth map needs a second reference, which this shot has not: it says so and cannot be saved.
    await dialog.locator('[data-testid=layers-depth]').click()
    await expect(dialog.textContent()).resolves.toMatch(/Link the depth map as the shot's second reference/)
    await expect(dialog.locator('[data-testid=framing-save]').isDisabled()).resolves.toBe(true)
    await dialog.locator('[data-testid=layers-region]').click()
    const plate = dialog.locator('[data-testid=framing-plate]')
    await plate.locator('img').waitFor({ timeout: 15_000 })
    const box = (await plate.boundingBox())!
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.3)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 4 })
    await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.8, { steps: 4 })
    await page.mouse.up()
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'camera-orbit-foreground.png') })
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' })
    await expect(shot.locator('[data-testid=shot-draw-framing]').textContent()).resolves.toBe('Edit')

    await shot.locator('[data-testid=generate]').click()
    const variationId = await newVariationId(page, SHOT, before)
    const card = page.locator(`[data-testid=variation][data-shape-id="${variationId}"]`)
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 180_000 }).toBe('succeeded')
    const generationId = await card.getAttribute('data-generation-id')
    const [row] = await stack.sql<{ request: { params: { cameraMove: string; layers: { source: string; region: { shape: string; x: number; w: number } } } } }[]>`
      SELECT request FROM generations WHERE id = ${generationId}`
    expect(row!.request.params).toMatchObject({ cameraMove: 'orbit', layers: { source: 'region', region: { shape: 'rect' } } })
    expect(row!.request.params.layers.region.x).toBeCloseTo(0.35, 1)
    expect(row!.request.params.layers.region.w).toBeCloseTo(0.3, 1)
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'camera-orbit-rendered.png') })
  }, 300_000)

  it('a keyframed move takes its start and end framings drawn on the plate; Esc closes without saving', async () => {
    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    await showShapes(page, [SHOT])
    const shot = page.locator(`[data-testid=shot][data-shape-id="${SHOT}"]`)
    await shot.locator('[data-testid=shot-model]').selectOption('previz')
    await shot.locator('[data-testid=shot-camera]').selectOption('keyframes')

    await shot.locator('[data-testid=shot-draw-framing]').click()
    const dialog = page.locator('[data-testid=camera-framing]')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })

    await shot.locator('[data-testid=shot-draw-framing]').click()
    const plate = dialog.locator('[data-testid=framing-plate]')
    await plate.locator('img').waitFor({ timeout: 15_000 })
    const box = (await plate.boundingBox())!
    // Start is the whole plate until redrawn; draw the end framing: the lower right half.
    await expect(dialog.locator('[data-testid=framing-end]').getAttribute('aria-checked')).resolves.toBe('true')
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.45)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.95, box.y + box.height * 0.95, { steps: 5 })
    await page.mouse.up()
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'camera-keyframes.png') })
    await dialog.locator('[data-testid=framing-save]').click()

    const keyframes = await page.evaluate((id) => {
      const editor = (window as unknown as { __montageEditor: { getShape(id: string): { meta: { params?: { keyframes?: unknown } } } } }).__montageEditor
      return editor.getShape(id).meta.params?.keyframes
    }, SHOT)
    expect(keyframes).toMatchObject([
      { t: 0, x: 0, y: 0, size: 1 },
      { t: 1, x: expect.closeTo(0.45, 1), y: expect.closeTo(0.45, 1), size: expect.closeTo(0.5, 1) },
    ])
  }, 120_000)
})
