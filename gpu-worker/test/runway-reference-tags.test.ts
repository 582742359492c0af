import { LocalAssetStore } from '@montage/assets'
import type { TRunHostedModelInput } from '@montage/core'
import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveFfmpegPaths } from '../src/ffmpeg/ffmpeg-paths'
import { runProcess } from '../src/ffmpeg/run-process'
import { RUNWAY_API_VERSION, RunwayClient } from '../src/hosted/runway/RunwayClient'
import { RunwayStandIn } from '../testing'
import { runRunwayTask } from '../src/hosted/runway/run-runway-task'

const ffmpeg = resolveFfmpegPaths()
const SECRET = `key_${randomUUID()}`
let dir: string
let store: LocalAssetStore
let standIn: RunwayStandIn
let hero: { sha256: string; bytes: Buffer }
let bottle: { sha256: string; bytes: Buffer }
let output: Buffer

async function solid(color: string, name: string): Promise<{ sha256: string; bytes: Buffer }> {
  const file = path.join(dir, `${name}.png`)
  await runProcess(ffmpeg.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `color=c=${color}:s=64x36`, '-frames:v', '1', file])
  const bytes = await readFile(file)
  return { sha256: (await store.putBytes(bytes)).sha256, bytes }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'runway-tags-'))
  store = new LocalAssetStore(path.join(dir, 'assets'))
  await mkdir(path.join(dir, 'work'), { recursive: true })
  hero = await solid('red', 'hero')
  bottle = await solid('blue', 'bottle')
  output = (await solid('green', 'out')).bytes
  standIn = await new RunwayStandIn({ apiSecret: SECRET, plan: (_e, _b, s) => [{ status: 'SUCCEEDED', output: [s.addOutput(output, 'image/png')] }] }).start()
})

afterAll(async () => {
  await standIn?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

function run(input: Partial<TRunHostedModelInput>) {
  const created: string[] = []
  const client = new RunwayClient({ apiSecret: SECRET, baseUrl: standIn.baseUrl, backoffMs: 5 })
  const result = runRunwayTask(
    { client, store, ffmpeg, workDir: path.join(dir, 'work'), pollIntervalMs: 10 },
    { generationId: randomUUID(), workspaceId: randomUUID(), model: 'gen4_image', prompt: '', params: { resolution: '720p' }, referenceAssets: [], ...input },
    { signal: new AbortController().signal, onProgress: () => undefined, onTaskCreated: (id) => created.push(id) },
  )
  return { result, created }
}

const dataUri = (bytes: Buffer) => `data:image/png;base64,${bytes.toString('base64')}`

describe('@tags reach Runway as tagged referenceImages', () => {
  it('sends @hero and @bottle with their tags and their own images, and the prompt that names them', async () => {
    const prompt = '@hero walks to @bottle on a beach at dawn'
    const { result, created } = run({
      prompt,
      references: [
        { tag: 'hero', assetSha256: hero.sha256, mimeType: 'image/png' },
        { tag: 'bottle', assetSha256: bottle.sha256, mimeType: 'image/png' },
      ],
    })
    await result
    const task = standIn.tasks.get(created[0]!)!
    expect(task.endpoint).toBe('text_to_image')
    expect(task.body.promptText).toBe(prompt)
    expect(task.body.referenceImages).toEqual([
      { uri: dataUri(hero.bytes), tag: 'hero' },
      { uri: dataUri(bottle.bytes), tag: 'bottle' },
    ])
  })

  it('refuses a tag Runway would refuse (2 characters) before any task is paid for', async () => {
    const before = standIn.tasks.size
    const { result } = run({ prompt: '@ab in the rain', references: [{ tag: 'ab', assetSha256: hero.sha256, mimeType: 'image/png' }] })
    await expect(result).rejects.toThrow(/3–16 letters.*@ab/)
    expect(standIn.tasks.size).toBe(before)
  })

  it('the stand-in refuses what Runway documents as invalid: a bad tag, more than three images', async () => {
    const post = (body: unknown) =>
      fetch(`${standIn.baseUrl}/v1/text_to_image`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET}`, 'X-Runway-Version': RUNWAY_API_VERSION, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
    const base = { model: 'gen4_image', promptText: 'x', ratio: '1280:720' }
    const badTag = await post({ ...base, referenceImages: [{ uri: dataUri(hero.bytes), tag: '9lives' }] })
    expect(badTag.status).toBe(400)
    expect(((await badTag.json()) as { error: string }).error).toMatch(/referenceImages\.0\.tag/)
    const four = await post({ ...base, referenceImages: Array.from({ length: 4 }, () => ({ uri: dataUri(hero.bytes), tag: 'hero' })) })
    expect(four.status).toBe(400)
  })

  it('a video model takes the first @tag as its promptImage when the shot links none', async () => {
    const { result, created } = run({ model: 'gen4_turbo', prompt: '@hero turns', params: { duration: 5 }, references: [{ tag: 'hero', assetSha256: hero.sha256, mimeType: 'image/png' }] })
    // The stand-in answers with a still; whether that stores is not this test's question.
    await result.catch(() => undefined)
    const task = standIn.tasks.get(created[0]!)!
    expect(task.endpoint).toBe('image_to_video')
    expect(task.body.promptImage).toBe(dataUri(hero.bytes))
  })
})
