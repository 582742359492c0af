import path from 'node:path'
import * as Y from 'yjs'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords, getTexts, sharedTextKey } from '@montage/board'
import { loadBoardUpdates } from '@montage/db'
import { openBoard, SCREENSHOT_DIR, showShapes, startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation, signInCookie } from './review-fixtures'

let stack: E2EStack

beforeAll(async () => {
  stack = await startE2EStack({ services: ['collab-server', 'web'] })
}, 240_000)

afterAll(async () => {
  await stack?.close()
})

/** The demo board's shot, stored before shared texts existed: its prompt is only a prop. */
const OLD_SHOT = 'shape:demo-shot-1'
const OLD_PROMPT = 'Slow push in on @lighthouse at dusk, the lamp just turning on'

type TEditorWindow = { __montageEditor: { createShape(s: unknown): void; getShape(id: string): { props: Record<string, unknown> } | undefined } }

async function storedBoard(): Promise<Y.Doc> {
  const doc = new Y.Doc()
  for (const update of await loadBoardUpdates(stack.sql, stack.boardId)) Y.applyUpdate(doc, update)
  return doc
}

function storedField(doc: Y.Doc, shapeId: string, field: string): { prop: unknown; text: string | undefined } {
  const record = getRecords(doc).get(shapeId) as { props: Record<string, unknown> } | undefined
  return { prop: record?.props[field], text: getTexts(doc).get(sharedTextKey(shapeId, field))?.toString() }
}

function propOn(page: Page, shapeId: string, field: string): Promise<unknown> {
  return page.evaluate(([id, f]) => (window as unknown as TEditorWindow).__montageEditor.getShape(id!)?.props[f!], [shapeId, field])
}

/** `count` characters from `alphabet`, repeating it (each person types from an alphabet of their own). */
function keystrokes(alphabet: string, count: number): string {
  return Array.from({ length: count }, (_, i) => alphabet[i % alphabet.length]).join('')
}

/** One key at a time, as a person types. */
async function typeKeys(page: Page, keys: string): Promise<void> {
  for (const key of keys) await page.keyboard.type(key)
}

/** The characters of `text` from one person's alphabet, in the order they stand. */
function typedBy(text: string, alphabet: string): string {
  return [...text].filter((c) => alphabet.includes(c)).join('')
}

const ADA_KEYS = 'abcdefghijklmnopqrstuvwxyz'
const BEN_KEYS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

async function twoPeople(shapeIds: string[]): Promise<{ ada: Page; ben: Page }> {
  const ada = await (await stack.signedIn('local:ada')).newPage()
  const ben = await (await stack.signedIn('local:ben')).newPage()
  await openBoard(ada, stack.boardId)
  await openBoard(ben, stack.boardId)
  for (const page of [ada, ben]) {
    await page.waitForFunction((ids) => ids.every((id) => !!(window as unknown as TEditorWindow).__montageEditor.getShape(id)), shapeIds, { timeout: 30_000 })
    await showShapes(page, shapeIds)
  }
  return { ada, ben }
}

/**
 * Ada and Ben type `count` keys each into the same field at once; both fields must end equal,
 * holding every key of both in each person's order, and the record's prop (what generation,
 * search and exports read) must say the same on both canvases and in the stored board.
 */
async function typeTogether(
  pages: { ada: Page; ben: Page },
  field: (page: Page) => Locator,
  shapeId: string,
  name: string,
  count: number,
  opts: { adaAlphabet?: string; benAlphabet?: string; hasProp?: boolean } = {},
): Promise<string> {
  const { adaAlphabet = ADA_KEYS, benAlphabet = BEN_KEYS, hasProp = true } = opts
  const adaKeys = keystrokes(adaAlphabet, count)
  const benKeys = keystrokes(benAlphabet, count)
  await field(pages.ada).click()
  await field(pages.ben).click()
  await pages.ada.keyboard.press('Control+End')
  await pages.ben.keyboard.press('Control+End')
  const before = await field(pages.ada).inputValue()
  await Promise.all([typeKeys(pages.ada, adaKeys), typeKeys(pages.ben, benKeys)])
  await expect.poll(async () => (await field(pages.ada).inputValue()).length, { timeout: 60_000 }).toBe(before.length + 2 * count)
  await expect.poll(() => field(pages.ben).inputValue(), { timeout: 60_000 }).toBe(await field(pages.ada).inputValue())
  const merged = await field(pages.ada).inputValue()
  expect(typedBy(merged, adaAlphabet)).toBe(typedBy(before, adaAlphabet) + adaKeys)
  expect(typedBy(merged, benAlphabet)).toBe(typedBy(before, benAlphabet) + benKeys)
  if (hasProp) for (const page of [pages.ada, pages.ben]) await expect.poll(() => propOn(page, shapeId, name), { timeout: 30_000 }).toBe(merged)
  await expect.poll(async () => storedField(await storedBoard(), shapeId, name), { timeout: 30_000 }).toEqual({ prop: hasProp ? merged : undefined, text: merged })
  return merged
}

describe('text edited together merges', () => {
  it("an old board's prompt (no shared text) survives: the collab-server makes its text from it when the board loads", async () => {
    const stored = await storedBoard()
    expect(storedField(stored, OLD_SHOT, 'prompt')).toEqual({ prop: OLD_PROMPT, text: undefined })

    const { ada, ben } = await twoPeople([OLD_SHOT])
    const prompt = (page: Page) => page.locator(`[data-testid=shot][data-shape-id="${OLD_SHOT}"] [data-testid=shot-prompt]`)
    expect(await prompt(ada).inputValue()).toBe(OLD_PROMPT)
    expect(await prompt(ben).inputValue()).toBe(OLD_PROMPT)
    // Made and stored at load, before anyone focuses the field (no race between first typists).
    await expect.poll(async () => storedField(await storedBoard(), OLD_SHOT, 'prompt'), { timeout: 30_000 }).toEqual({ prop: OLD_PROMPT, text: OLD_PROMPT })
    await prompt(ada).click()
    await ada.keyboard.press('Control+End')
    await typeKeys(ada, ', slow motion')
    const edited = `${OLD_PROMPT}, slow motion`
    await expect.poll(() => prompt(ben).inputValue(), { timeout: 30_000 }).toBe(edited)
    await expect.poll(() => propOn(ben, OLD_SHOT, 'prompt'), { timeout: 30_000 }).toBe(edited)
    await expect.poll(async () => storedField(await storedBoard(), OLD_SHOT, 'prompt'), { timeout: 30_000 }).toEqual({ prop: edited, text: edited })
    await ada.close()
    await ben.close()
  })

  it('two people typing 200 characters each into one prompt keep every character, in order; each undoes only their own', async () => {
    const shotId = 'shape:duet'
    const ada0 = await (await stack.signedIn('local:ada')).newPage()
    await openBoard(ada0, stack.boardId)
    await ada0.evaluate((id) => (window as unknown as TEditorWindow).__montageEditor.createShape({ id, type: 'shot', x: 900, y: 0 }), shotId)
    await expect.poll(async () => storedField(await storedBoard(), shotId, 'prompt'), { timeout: 30_000 }).toEqual({ prop: '', text: '' })
    await ada0.close()

    const pages = await twoPeople([shotId])
    const prompt = (page: Page) => page.locator(`[data-testid=shot][data-shape-id="${shotId}"] [data-testid=shot-prompt]`)

    // Ada's caret shows in Ben's copy of the field, in her colour, once she is in it.
    await prompt(pages.ada).click()
    await pages.ben.locator(`[data-testid=shot][data-shape-id="${shotId}"] [data-testid=peer-caret][data-name="Ada Moreau"]`).waitFor({ timeout: 30_000 })

    const merged = await typeTogether(pages, prompt, shotId, 'prompt', 200)
    await pages.ben.locator(`[data-testid=shot][data-shape-id="${shotId}"] [data-testid=peer-caret][data-name="Ada Moreau"]`).waitFor({ timeout: 30_000 })
    await pages.ben.screenshot({ path: path.join(SCREENSHOT_DIR, 'collab-text.png') })

    // Undo is per person: Ada's undo takes back her typing and none of Ben's; redo puts it back.
    await prompt(pages.ada).click()
    await pages.ada.keyboard.press('Control+z')
    await expect.poll(async () => typedBy(await prompt(pages.ben).inputValue(), ADA_KEYS).length, { timeout: 30_000 }).toBeLessThan(200)
    const undone = await prompt(pages.ben).inputValue()
    expect(keystrokes(ADA_KEYS, 200).startsWith(typedBy(undone, ADA_KEYS))).toBe(true)
    expect(typedBy(undone, BEN_KEYS)).toBe(keystrokes(BEN_KEYS, 200))
    for (let i = 0; i < 20 && typedBy(await prompt(pages.ada).inputValue(), ADA_KEYS).length < 200; i++) await pages.ada.keyboard.press('Control+Shift+z')
    await expect.poll(() => prompt(pages.ben).inputValue(), { timeout: 30_000 }).toBe(merged)
    await expect.poll(() => propOn(pages.ben, shotId, 'prompt'), { timeout: 30_000 }).toBe(merged)
    await pages.ada.close()
    await pages.ben.close()
  })

  it("two people typing into one shot's title keep every character, in order", async () => {
    const pages = await twoPeople([OLD_SHOT])
    const title = (page: Page) => page.locator(`[data-testid=shot][data-shape-id="${OLD_SHOT}"] [data-testid=shot-title]`)
    // The title holds 80 characters ("Shot 1 — Opening" is 16): 30 keys each fill it without the input refusing any.
    const merged = await typeTogether(pages, title, OLD_SHOT, 'title', 30)
    expect(merged.startsWith('Shot 1 — Opening')).toBe(true)
    await pages.ada.close()
    await pages.ben.close()
  })

  it("two people typing into one reference's name keep every key, in order, and the card's tag follows", async () => {
    const refId = 'shape:duet-ref'
    const ada0 = await (await stack.signedIn('local:ada')).newPage()
    await openBoard(ada0, stack.boardId)
    await ada0.evaluate((id) => (window as unknown as TEditorWindow).__montageEditor.createShape({ id, type: 'reference', x: 900, y: 600, props: { tag: 'r' } }), refId)
    await expect.poll(async () => storedField(await storedBoard(), refId, 'tag'), { timeout: 30_000 }).toEqual({ prop: 'r', text: 'r' })
    await ada0.close()

    const pages = await twoPeople([refId])
    const tag = (page: Page) => page.locator(`[data-testid=reference][data-shape-id="${refId}"] [data-testid=reference-tag]`)
    // Tag characters only, an alphabet each; 1 + 15 + 15 keys stay within the tag's 32.
    const merged = await typeTogether(pages, tag, refId, 'tag', 15, { adaAlphabet: 'abcdefghijklmno', benAlphabet: 'pqrstuvwxyz0123456789_' })
    await expect.poll(() => pages.ben.locator(`[data-testid=reference][data-shape-id="${refId}"]`).getAttribute('data-tag'), { timeout: 30_000 }).toBe(merged)
    await pages.ada.close()
    await pages.ben.close()
  })

  it('two people write one comment draft on a variation, see each other typing, and posting it empties it for both', async () => {
    const ada = await signInCookie(stack, 'local:ada')
    const { variationId } = await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId: OLD_SHOT, createdBy: ada.userId })
    const pages = await twoPeople([variationId])
    for (const page of [pages.ada, pages.ben]) {
      const card = page.locator(`[data-testid=variation][data-shape-id="${variationId}"]`)
      await card.and(page.locator('[data-status=succeeded]')).waitFor({ state: 'attached', timeout: 60_000 })
      await card.locator('.m-variation-foot').click()
      await page.keyboard.press('Enter')
      await page.locator('[data-testid=viewer]').waitFor({ timeout: 10_000 })
    }
    const draft = (page: Page) => page.locator('[data-testid=viewer] [data-testid=comment-input]')
    // The draft came with the variation (the server made it, empty); Ben sees Ada's caret in his composer once she is in it.
    await draft(pages.ada).click()
    await pages.ben.locator('[data-testid=composer] [data-testid=peer-caret][data-name="Ada Moreau"]').waitFor({ timeout: 30_000 })

    const merged = await typeTogether(pages, draft, variationId, 'commentDraft', 40, { hasProp: false })
    await pages.ada.locator('[data-testid=comment-submit]').click()
    for (const page of [pages.ada, pages.ben]) {
      await expect.poll(() => page.locator('[data-testid=viewer] [data-testid=thread-body]').allTextContents(), { timeout: 30_000 }).toContain(merged)
      await expect.poll(() => draft(page).inputValue(), { timeout: 30_000 }).toBe('')
    }
    await expect.poll(async () => storedField(await storedBoard(), variationId, 'commentDraft').text, { timeout: 30_000 }).toBe('')
    await pages.ada.close()
    await pages.ben.close()
  })
})
