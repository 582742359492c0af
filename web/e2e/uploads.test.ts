import { execFile } from 'node:child_process'
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import ffmpeg from '@ffmpeg-installer/ffmpeg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Editor, TLShape } from 'tldraw'
import { REPO_ROOT, SCREENSHOT_DIR, openBoard, shotVariationIds, startE2EStack, type E2EStack } from './harness'

const run = promisify(execFile)
const FFMPEG = process.env.FFMPEG_PATH ?? ffmpeg.path
const SHOTS = SCREENSHOT_DIR

let stack: E2EStack
/** The board Ada uploads to in the first test, and the still on it; the second makes it a reference. */
let uploads: { boardId: string; still: string } | undefined

beforeAll(async () => {
  // Every service: the ingest workflow (workflows + gpu-worker) makes the posters and the strip.
  stack = await startE2EStack()
})

afterEach(async ({ task }) => {
  // A failed run leaves what each browser showed, for whoever reads the failure.
  if (task.result?.state !== 'fail') return
  const dir = path.join(REPO_ROOT, '.data/e2e-screenshots')
  await mkdir(dir, { recursive: true })
  let i = 0
  for (const context of stack.browser.contexts()) for (const page of context.pages()) await page.screenshot({ path: path.join(dir, `uploads-${task.name.slice(0, 24).replace(/\W+/g, '-')}-${i++}.png`) }).catch(() => {})
})

afterAll(async () => {
  await stack?.close()
})

async function workspaceIdOf(stack: E2EStack): Promise<string> {
  const [board] = await stack.sql<{ workspace_id: string }[]>`SELECT workspace_id FROM boards WHERE id = ${stack.boardId}`
  return board!.workspace_id
}

/** Plain media cards (reference shapes without a tag) on the board, by id. */
async function mediaCardIds(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
    return editor
      .getCurrentPageShapes()
      .filter((s) => s.type === 'reference' && !(s as TLShape<'reference'>).props.tag)
      .map((s) => s.id as string)
  })
}

describe('uploads', () => {
  it('Ada drops a still and a clip on the board: both show progress then a thumbnail, the clip hover-scrubs, and Ben sees both', async () => {
    const dir = path.join(stack.dataDir, 'fixtures')
    await mkdir(dir, { recursive: true })
    const pngPath = path.join(dir, 'still.png')
    const mp4Path = path.join(dir, 'clip.mp4')
    await run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x400:rate=1', '-frames:v', '1', '-y', pngPath])
    await run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=3:size=480x270:rate=25', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-movflags', '+faststart', '-y', mp4Path])

    const ada = await stack.signedIn('local:ada')
    const ben = await stack.signedIn('local:ben')
    const pageA = await ada.newPage()
    const pageB = await ben.newPage()
    // A board of its own: the seeded board's id is the same in every stack running at once.
    const created = await pageA.request.post('/api/boards', { data: { workspaceId: await workspaceIdOf(stack), name: 'Uploads' } })
    expect(created.status()).toBe(201)
    const { id: boardId } = (await created.json()) as { id: string }
    await openBoard(pageA, boardId)
    await openBoard(pageB, boardId)

    // Every state each media card passes through, recorded as it renders: the upload can be over
    // before a poll would look.
    await pageA.evaluate(() => {
      const seen: Record<string, string[]> = {}
      ;(window as unknown as { __mediaStates: typeof seen }).__mediaStates = seen
      const record = () => {
        for (const card of document.querySelectorAll('[data-testid=reference][data-shape-id]')) {
          const id = card.getAttribute('data-shape-id')!
          const media = card.querySelector('[data-testid=media]')
          const state = media?.getAttribute('data-state') ?? 'none'
          const withBar = state === 'uploading' && !!card.querySelector('[data-testid=upload-progress-bar]') ? 'uploading+bar' : state
          const list = (seen[id] ??= [])
          if (list[list.length - 1] !== withBar) list.push(withBar)
        }
      }
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] })
    })

    // Left of the middle of the (empty) view, so both cards land in sight.
    const dropAt = await pageA.evaluate(() => {
      const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
      const c = editor.getViewportPageBounds().center
      return editor.pageToScreen({ x: c.x - 300, y: c.y - 100 })
    })

    // A real drop event carrying both files, as the browser builds it from a desktop drag.
    const [png, mp4] = [await readFile(pngPath), await readFile(mp4Path)]
    await pageA.evaluate(
      ({ files, at }) => {
        const dt = new DataTransfer()
        for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.type }))
        const target = document.querySelector('.tl-canvas')!
        const init = { bubbles: true, cancelable: true, clientX: at.x, clientY: at.y, dataTransfer: dt }
        target.dispatchEvent(new DragEvent('dragover', init))
        target.dispatchEvent(new DragEvent('drop', init))
      },
      {
        files: [
          { name: 'still.png', type: 'image/png', b64: png.toString('base64') },
          { name: 'clip.mp4', type: 'video/mp4', b64: mp4.toString('base64') },
        ],
        at: dropAt,
      },
    )

    // The drop selects the cards it placed.
    await expect.poll(() => pageA.evaluate(() => (window as unknown as { __montageEditor: Editor }).__montageEditor.getSelectedShapeIds().length), { timeout: 10_000 }).toBe(2)
    const ids = await pageA.evaluate(() => {
      const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
      const cards = editor.getSelectedShapes() as TLShape<'reference'>[]
      return { still: cards.find((c) => c.props.mimeType.startsWith('image/'))!.id as string, clip: cards.find((c) => c.props.mimeType.startsWith('video/'))!.id as string }
    })
    expect((await mediaCardIds(pageA)).sort()).toEqual([ids.still, ids.clip].sort())
    uploads = { boardId, still: ids.still }
    const card = (page: Page, id: string) => page.locator(`[data-testid=reference][data-shape-id="${id}"]`)

    // Both become thumbnails once uploaded and ingested.
    await card(pageA, ids.still).locator('[data-testid=media][data-state=ready] img').waitFor({ timeout: 120_000 })
    await card(pageA, ids.clip).locator('[data-testid=media][data-state=ready] [data-testid=scrub] img').waitFor({ timeout: 180_000 })
    for (const id of [ids.still, ids.clip]) {
      await expect.poll(() => card(pageA, id).locator('img').first().evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 30_000 }).toBeGreaterThan(0)
    }
    const states = await pageA.evaluate(() => (window as unknown as { __mediaStates: Record<string, string[]> }).__mediaStates)
    // Each showed its progress bar first, and the clip "Processing…" while ingest ran.
    expect(states[ids.still]![0]).toBe('uploading+bar')
    expect(states[ids.clip]![0]).toBe('uploading+bar')
    expect(states[ids.clip]).toContain('processing')
    expect(states[ids.still]!.at(-1)).toBe('ready')
    expect(states[ids.clip]!.at(-1)).toBe('ready')

    // Hover-scrub: the strip frame under the pointer follows it across the clip.
    const scrub = card(pageA, ids.clip).locator('[data-testid=scrub]')
    const box = (await scrub.boundingBox())!
    const frameAt = async (fraction: number) => {
      await pageA.mouse.move(box.x + box.width * fraction, box.y + box.height / 2, { steps: 4 })
      const strip = scrub.locator('[data-testid=scrub-strip]')
      await strip.waitFor({ timeout: 10_000 })
      return strip.evaluate((el) => ({ position: getComputedStyle(el).backgroundPosition, image: getComputedStyle(el).backgroundImage }))
    }
    const early = await frameAt(0.05)
    const late = await frameAt(0.95)
    expect(early.image).toMatch(/url\(/)
    expect(late.position).not.toBe(early.position)
    expect(early.position.startsWith('0%')).toBe(true)
    await mkdir(SHOTS, { recursive: true })
    await pageA.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 2 })
    await pageA.screenshot({ path: path.join(SHOTS, 'uploads.png') })

    // Ben, in another browser, sees both finished cards without reloading.
    await pageB.evaluate(() => {
      ;(window as unknown as { __montageEditor: Editor }).__montageEditor.zoomToFit()
    })
    await card(pageB, ids.still).locator('[data-testid=media][data-state=ready] img').waitFor({ timeout: 60_000 })
    await card(pageB, ids.clip).locator('[data-testid=media][data-state=ready] [data-testid=scrub]').waitFor({ timeout: 60_000 })

    // Pasting an image lands the same way (the same bytes: one asset, ready at once).
    const beforePaste = await mediaCardIds(pageA)
    await pageA.locator('.tl-canvas').click({ position: { x: 80, y: 700 } })
    await pageA.evaluate((b64) => {
      const dt = new DataTransfer()
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'pasted.png', { type: 'image/png' }))
      document.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: dt }))
    }, png.toString('base64'))
    await expect.poll(async () => (await mediaCardIds(pageA)).filter((id) => !beforePaste.includes(id)), { timeout: 15_000 }).toHaveLength(1)
    const pasted = (await mediaCardIds(pageA)).find((id) => !beforePaste.includes(id))!
    await card(pageA, pasted).locator('[data-testid=media][data-state=ready] img').waitFor({ timeout: 60_000 })

    // A refused file says why on its card, in the API's words.
    await pageA.evaluate(
      ({ at }) => {
        const dt = new DataTransfer()
        dt.items.add(new File(['not an image at all'], 'notes.png', { type: 'image/png' }))
        const target = document.querySelector('.tl-canvas')!
        target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, clientX: at.x, clientY: at.y + 400, dataTransfer: dt }))
      },
      { at: dropAt },
    )
    const refused = pageA.locator('[data-testid=media][data-state=refused] [data-testid=upload-error]')
    await refused.waitFor({ timeout: 30_000 })
    expect((await refused.textContent())!.length).toBeGreaterThan(5)
  })

  it('typing @ in a shot prompt lists the references, Enter inserts the tag and links it; a card becomes a library reference', async () => {
    const ada = await stack.signedIn('local:ada')
    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    const shotId = await page.locator('[data-testid=shot]').first().getAttribute('data-shape-id')
    // Start from a shot that links nothing, so the link below is the autocomplete's doing.
    await page.evaluate((id) => {
      const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
      editor.updateShape({ id: id as TLShape['id'], type: 'shot', props: { prompt: '', referenceIds: [] } })
      editor.zoomToBounds(editor.getShapePageBounds(id as TLShape['id'])!, { targetZoom: 1 })
    }, shotId)

    const prompt = page.locator(`[data-testid=shot][data-shape-id="${shotId}"] [data-testid=shot-prompt]`)
    await prompt.click()
    await page.keyboard.type('Slow dawn push toward @li')
    const option = page.locator('[data-testid=prompt-tag-option][data-tag=lighthouse]')
    await option.waitFor({ timeout: 10_000 })
    // Arrow keys move through the list to it (other boards' tags may sort first).
    for (let i = 0; i < 8 && (await option.getAttribute('aria-selected')) !== 'true'; i++) await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await expect.poll(() => prompt.inputValue()).toBe('Slow dawn push toward @lighthouse ')
    await page.keyboard.type('then @nobody')
    const linked = () =>
      page.evaluate((id) => {
        const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
        return (editor.getShape(id as TLShape['id']) as TLShape<'shot'>).props.referenceIds
      }, shotId)
    await expect.poll(linked).toEqual(['shape:demo-ref-lighthouse'])
    // Known tags are highlighted, unknown ones flagged.
    const highlight = page.locator(`[data-testid=shot][data-shape-id="${shotId}"] [data-testid=prompt-highlight]`)
    await highlight.locator('[data-tag=lighthouse][data-known=true]').waitFor()
    await highlight.locator('[data-tag=nobody][data-known=false]').waitFor()

    // On the uploads board: the library starts empty and explains @tags.
    expect(uploads).toBeDefined()
    const { boardId, still } = uploads!
    await openBoard(page, boardId)
    await page.locator('.tl-canvas').click({ position: { x: 20, y: 300 } })
    await page.keyboard.press('l')
    await page.locator('[data-testid=library-panel] [data-testid=library-empty]').waitFor({ timeout: 10_000 })

    // The uploaded still becomes @bottle through "Make reference…".
    await page.evaluate((id) => {
      const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
      editor.select(id as TLShape['id'])
      editor.zoomToSelection({ animation: { duration: 0 } })
    }, still)
    await page.locator('[data-testid=make-reference]').click()
    await page.locator('[data-testid=new-reference-tag]').fill('B')
    await page.locator('[data-testid=new-reference-submit]').click()
    await page.locator('[data-testid=new-reference-tag-error]').waitFor()
    await page.locator('[data-testid=new-reference-tag]').fill('bottle')
    await page.locator('[data-testid=new-reference-kind]').selectOption('product')
    await page.locator('[data-testid=new-reference-submit]').click()
    await page.locator('[data-testid=library-panel] [data-testid=library-reference][data-tag=bottle]').waitFor({ timeout: 30_000 })
    const shape = await page.evaluate((id) => (window as unknown as { __montageEditor: Editor }).__montageEditor.getShape(id as TLShape['id']) as TLShape<'reference'>, still)
    expect(shape.props.tag).toBe('bottle')
    expect(shape.props.libraryId).not.toBe('')

    // A file dropped into the panel becomes a reference too.
    const lampPath = path.join(stack.dataDir, 'fixtures', 'lamp.png')
    await run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'mandelbrot=size=400x400', '-frames:v', '1', '-y', lampPath])
    await page.locator('[data-testid=library-file-input]').setInputFiles(lampPath)
    await page.locator('[data-testid=library-panel] [data-testid=new-reference-tag]').fill('lamp')
    await page.locator('[data-testid=library-panel] [data-testid=new-reference-kind]').selectOption('style')
    await page.locator('[data-testid=library-panel] [data-testid=new-reference-submit]').click()
    await page.locator('[data-testid=library-reference][data-tag=lamp]').waitFor({ timeout: 30_000 })

    // Dragged from the panel, it lands on the board as a card standing for the library entry.
    const dropPoint = await page.evaluate(() => {
      const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
      const b = editor.getCurrentPageBounds()!
      editor.zoomToBounds({ x: b.minX, y: b.minY, w: b.w + 400, h: b.h }, { targetZoom: 0.6, animation: { duration: 0 } })
      return editor.pageToScreen({ x: b.maxX + 200, y: b.minY + 100 })
    })
    await page.evaluate((at) => {
      const dt = new DataTransfer()
      const item = document.querySelector('[data-testid=library-reference][data-tag=lamp]')!
      item.dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true, dataTransfer: dt }))
      const canvas = document.querySelector('.tl-canvas')!
      canvas.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, clientX: at.x, clientY: at.y, dataTransfer: dt }))
      canvas.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, clientX: at.x, clientY: at.y, dataTransfer: dt }))
    }, dropPoint)
    await page.locator('[data-testid=reference][data-tag=lamp] [data-testid=media][data-state=ready] img').waitFor({ timeout: 10_000 })

    // The picture for the README: the library beside the board, and a new shot's prompt offering its tags.
    await page.locator('[data-testid=add-shot]').click()
    const newShot = page.locator('[data-testid=shot]').first()
    await page.evaluate(() => {
      const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
      editor.selectNone()
      editor.zoomToFit({ animation: { duration: 0 } })
      editor.zoomOut(undefined, { animation: { duration: 0 } })
    })
    await newShot.locator('[data-testid=shot-prompt]').click()
    await page.keyboard.type('Hero shot of @')
    await page.locator('[data-testid=prompt-tag-option][data-tag=bottle]').waitFor({ timeout: 10_000 })
    await page.locator('[data-testid=prompt-tag-option][data-tag=lamp]').waitFor({ timeout: 10_000 })
    await page.screenshot({ path: path.join(SHOTS, 'library.png') })
  })
  it('a finished variation becomes a library reference in one action', async () => {
    const ada = await stack.signedIn('local:ada')
    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    const shotId = (await page.locator('[data-testid=shot]').first().getAttribute('data-shape-id'))!
    await page.evaluate((id) => {
      const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
      editor.updateShape({ id: id as TLShape['id'], type: 'shot', props: { prompt: 'Dawn over @lighthouse', referenceIds: ['shape:demo-ref-lighthouse'] } })
      editor.zoomToBounds(editor.getShapePageBounds(id as TLShape['id'])!, { targetZoom: 0.8, animation: { duration: 0 } })
    }, shotId)
    const variationsOf = () => shotVariationIds(page, shotId)
    // The seeded board has variations of this shot already (without generation rows): only the new one counts.
    const before = new Set(await variationsOf())
    await page.locator(`[data-testid=shot][data-shape-id="${shotId}"] [data-testid=generate]`).click()
    await expect.poll(async () => (await variationsOf()).filter((id) => !before.has(id)), { timeout: 15_000 }).toHaveLength(1)
    const variationId = (await variationsOf()).find((id) => !before.has(id))!
    await page.locator(`[data-testid=variation][data-shape-id="${variationId}"][data-status=succeeded]`).waitFor({ timeout: 240_000 })
    await page.evaluate((id) => {
      const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
      editor.select(id as TLShape['id'])
      editor.zoomToSelection({ animation: { duration: 0 } })
    }, variationId)

    await page.locator('[data-testid=make-reference]').click()
    await page.locator('[data-testid=new-reference-tag]').fill('dawn')
    await page.locator('[data-testid=new-reference-kind]').selectOption('location')
    await page.locator('[data-testid=new-reference-submit]').click()
    await page.locator('[data-testid=promote-done]').waitFor({ timeout: 30_000 })
    const res = await page.request.get(`/api/workspaces/${await workspaceIdOf(stack)}/references`)
    const { items } = (await res.json()) as { items: { tag: string; kind: string; views: unknown[] }[] }
    expect(items.find((r) => r.tag === 'dawn')).toMatchObject({ kind: 'location', views: [expect.anything()] })
  })
})
