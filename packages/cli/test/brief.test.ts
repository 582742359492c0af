import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readBrief } from '../src/brief'
import { ProgressView } from '../src/progress'
import type { TGeneration } from '../src/client'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'montage-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function brief(name: string, content: string): Promise<string> {
  const file = path.join(dir, name)
  await writeFile(file, content)
  return file
}

describe('readBrief', () => {
  it('fills what a shot leaves out, and resolves references beside the brief', async () => {
    const file = await brief('ok.json', JSON.stringify({ board: { name: 'Spring' }, shots: [{ title: 'Harbour', prompt: 'slow push', references: [{ file: 'plate.png', tag: 'plate' }] }] }))
    const { brief: b, dir: at } = await readBrief(file)
    expect(at).toBe(dir)
    expect(b.shots[0]).toEqual({ title: 'Harbour', prompt: 'slow push', model: 'previz', params: {}, count: 1, references: [{ file: 'plate.png', tag: 'plate' }] })
  })

  it('names the file and the field that is wrong', async () => {
    await expect(readBrief(await brief('empty-title.json', JSON.stringify({ board: { name: 'B' }, shots: [{ title: ' ' }] })))).rejects.toThrow(/empty-title\.json: shots\.0\.title: must not be empty/)
    await expect(readBrief(await brief('no-shots.json', JSON.stringify({ board: { name: 'B' }, shots: [] })))).rejects.toThrow(/no-shots\.json: shots: must list at least one shot/)
    await expect(readBrief(await brief('bad-tag.json', JSON.stringify({ board: { name: 'B' }, shots: [{ title: 'A', references: [{ file: 'x.png', tag: 'Hero Shot' }] }] })))).rejects.toThrow(/shots\.0\.references\.0\.tag: must be 1–32 lowercase/)
    await expect(readBrief(await brief('extra.json', JSON.stringify({ board: { name: 'B' }, shots: [{ title: 'A', colour: 'red' }] })))).rejects.toThrow(/extra\.json: shots\.0/)
    await expect(readBrief(await brief('not-json.json', '{ board: '))).rejects.toThrow(/not-json\.json: is not JSON/)
    await expect(readBrief(path.join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: cannot be read \(ENOENT\)/)
  })
})

describe('ProgressView', () => {
  it('off a terminal, writes a line only when a state changes', () => {
    const written: string[] = []
    const out = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream
    const view = new ProgressView(out, new Map([['g1', 'Harbour'], ['g2', 'Lighthouse']]))
    const g = (id: string, status: TGeneration['status']) => ({ id, status, error: null }) as TGeneration
    view.update([g('g1', 'running'), g('g2', 'queued')], 1000)
    view.update([g('g1', 'running'), g('g2', 'queued')], 2000)
    view.update([g('g1', 'succeeded'), g('g2', 'running')], 3000)
    expect(written).toHaveLength(2)
    expect(written[1]).toContain('1/2 done')
    expect(written[1]).toMatch(/\[#{14}-{14}\]/)
    expect(written[1]).toMatch(/Harbour\s+succeeded/)
  })
})
