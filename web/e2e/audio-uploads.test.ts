import { execFile } from 'node:child_process'
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import ffmpeg from '@ffmpeg-installer/ffmpeg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Editor, TLShape } from 'tldraw'
import { REPO_ROOT, SCREENSHOT_DIR, openBoard, startE2EStack, type E2EStack } from './harness'

const run = promisify(execFile)
const FFMPEG = process.env.FFMPEG_PATH ?? ffmpeg.path

let stack: E2EStack

beforeAll(async () => {
  // web, collab and the ingest workflow (workflows + gpu-worker) that draws the waveform.
  stack = await startE2EStack({ services: ['web', 'collab-server', 'workflows', 'gpu-worker'] })
})

afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail') return
  const dir = path.join(REPO_ROOT, '.data/e2e-screenshots')
  await mkdir(dir, { recursive: true })
  let i = 0
  for (const context of stack.browser.contexts()) for (const page of context.pages()) await page.screenshot({ path: path.join(dir, `audio-uploads-${i++}.png`) }).catch(() => {})
})

afterAll(async () => {
  await stack?.close()
})

describe('sound uploads on the board', () => {
  it('Ada drops an MP3: a media card with its waveform and a player that plays it, and Ben sees it', async () => {
    const dir = path.join(stack.dataDir, 'fixtures')
    await mkdir(dir, { recursive: true })
    const mp3Path = path.join(dir, 'harbour.mp3')
    await run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=3', '-c:a', 'libmp3lame', '-y', mp3Path])
    const mp3 = await readFile(mp3Path)

    const ada = await stack.signedIn('local:ada')
    const ben = await stack.signedIn('local:ben')
    const [pageA, pageB] = [await ada.newPage(), await ben.newPage()]
    await openBoard(pageA, stack.boardId)
    await openBoard(pageB, stack.boardId)

    const before = await pageA.evaluate(() => (window as unknown as { __montageEditor: Editor }).__montageEditor.getCurrentPageShapeIds().size)
    await pageA.evaluate((b64) => {
      const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
      const at = editor.pageToScreen(editor.getViewportPageBounds().center)
      const dt = new DataTransfer()
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'harbour.mp3', { type: 'audio/mpeg' }))
      const target = document.querySelector('.tl-canvas')!
      const init = { bubbles: true, cancelable: true, clientX: at.x, clientY: at.y, dataTransfer: dt }
      target.dispatchEvent(new DragEvent('dragover', init))
      target.dispatchEvent(new DragEvent('drop', init))
    }, mp3.toString('base64'))
    await expect.poll(() => pageA.evaluate(() => (window as unknown as { __montageEditor: Editor }).__montageEditor.getCurrentPageShapeIds().size), { timeout: 10_000 }).toBe(before + 1)
    const id = await pageA.evaluate(() => {
      const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
      return (editor.getSelectedShapes() as TLShape<'reference'>[]).find((s) => s.type === 'reference')!.id as string
    })

    for (const page of [pageA, pageB]) {
      await page.evaluate(() => void (window as unknown as { __montageEditor: Editor }).__montageEditor.zoomToFit({ animation: { duration: 0 } }))
      const media = page.locator(`[data-testid=reference][data-shape-id="${id}"] [data-testid=media][data-kind=audio][data-state=ready]`)
      await media.waitFor({ timeout: 120_000 })
      // The waveform picture loads (a real image, as wide as ingest drew it).
      await expect.poll(() => media.locator('[data-testid=media-waveform]').evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 30_000 }).toBe(960)
      // The player reads the sound through its signed URL: its length is the file's.
      const duration = await media.locator('[data-testid=media-audio]').evaluate(
        (el) =>
          new Promise<number>((resolve) => {
            const audio = el as HTMLAudioElement
            if (audio.readyState >= 1) resolve(audio.duration)
            else audio.addEventListener('loadedmetadata', () => resolve(audio.duration), { once: true })
          }),
      )
      expect(Math.abs(duration - 3)).toBeLessThan(0.1)
    }
    // A sound is no reference: its card has no tag field, and selecting it offers no "Make reference…".
    const cardA = pageA.locator(`[data-testid=reference][data-shape-id="${id}"]`)
    expect(await cardA.locator('[data-testid=reference-sound]').textContent()).toBe('Sound')
    expect(await cardA.locator('[data-testid=reference-tag]').count()).toBe(0)
    await pageA.evaluate((shapeId) => void (window as unknown as { __montageEditor: Editor }).__montageEditor.select(shapeId as TLShape['id']), id)
    await expect.poll(() => pageA.evaluate(() => (window as unknown as { __montageEditor: Editor }).__montageEditor.getSelectedShapeIds().length)).toBe(1)
    // React renders a selection's actions within a frame of the change; two frames leave it time.
    await pageA.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
    expect(await pageA.locator('[data-testid=make-reference]').count()).toBe(0)
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    await pageA.locator(`[data-testid=reference][data-shape-id="${id}"]`).screenshot({ path: path.join(SCREENSHOT_DIR, 'audio-upload.png') })
  })
})
