import { createHash, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext } from 'playwright-core'
import { getCreditBalance, recordAsset } from '@montage/db'
import { generationStartInput } from '@montage/workflows/client'
import { startE2EStack, type E2EStack } from './harness'

// POST /api/generations for the Runway models priced by a clip, against the real web, database and
// Temporal. No hosted worker runs: nothing reaches Runway, and each started workflow is terminated.
let stack: E2EStack
let ada: BrowserContext
const SHOT = 'shape:demo-shot-1'
const started: string[] = []

beforeAll(async () => {
  stack = await startE2EStack({ services: ['web', 'collab-server'], env: { RUNWAYML_API_SECRET: `key_${randomUUID()}` } })
  ada = await stack.signedIn('local:ada') // producer
})

afterAll(async () => {
  for (const id of started) await stack.temporal.workflow.getHandle(id).terminate('test over').catch(() => undefined)
  await ada?.close()
  await stack?.close()
})

/** An asset of the demo workspace as ingest records it: its mime type and, for a clip, its length. */
async function asset(mimeType: string, durationMs?: number): Promise<string> {
  const sha256 = createHash('sha256').update(randomUUID()).digest('hex')
  await recordAsset(stack.sql, { workspaceId: stack.workspaceId, sha256, mimeType, byteSize: 1000, ...(durationMs ? { durationMs, width: 1280, height: 720 } : { width: 640, height: 360 }) })
  return sha256
}

const ref = (sha256: string, tag?: string) => ({ shapeId: `shape:ref${sha256.slice(0, 8)}`, assetSha256: sha256, ...(tag ? { tag } : {}) })

async function generate(body: Record<string, unknown>) {
  const res = await ada.request.post('/api/generations', { data: { boardId: stack.boardId, shotId: SHOT, prompt: '', ...body } })
  const json = (await res.json()) as { generationId?: string; workflowId?: string; credits?: number; error?: { field?: string; message: string } }
  if (json.workflowId) started.push(json.workflowId)
  return { status: res.status(), ...json }
}

async function reserved(generationId: string): Promise<number[]> {
  const rows = await stack.sql<{ amount: number }[]>`SELECT amount FROM credit_ledger WHERE generation_id = ${generationId} AND kind = 'reserve'`
  return rows.map((r) => r.amount)
}

describe('Runway models priced by the clip they work from', () => {
  // A 5 s performance sent with duration: 1 was charged 5 credits for a 5 s output.
  it("Act-Two is charged by its performance clip's stored length; a duration from the client is refused", async () => {
    const character = await asset('image/png')
    const performance = await asset('video/mp4', 5000)
    const ok = await generate({ model: 'act_two', params: {}, references: [ref(character), ref(performance)] })
    expect(ok).toMatchObject({ status: 202, credits: 25 })
    expect(await reserved(ok.generationId!)).toEqual([-25])

    const generationsBefore = await stack.sql`SELECT id FROM generations`
    const balanceBefore = await getCreditBalance(stack.sql, stack.workspaceId)
    const cheat = await generate({ model: 'act_two', params: { duration: 1 }, references: [ref(character), ref(performance)] })
    expect(cheat).toMatchObject({ status: 400, error: { field: 'params.duration' } })
    const short = await generate({ model: 'act_two', params: {}, references: [ref(character), ref(await asset('video/mp4', 2000))] })
    expect(short).toMatchObject({ status: 400, error: { field: 'references.1', message: 'references.1: Act-Two takes a performance of 3–30 s; this clip is 2.0 s.' } })
    const still = await generate({ model: 'act_two', params: {}, references: [ref(character), ref(character)] })
    expect(still).toMatchObject({ status: 400, error: { field: 'references.1' } })
    expect(await stack.sql`SELECT id FROM generations`).toHaveLength(generationsBefore.length)
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(balanceBefore)
  })

  it('Aleph 2 costs 28 credits a second of its clip, 56 at least', async () => {
    const short = await generate({ model: 'aleph2', prompt: 'make it snow', params: {}, references: [ref(await asset('video/mp4', 1500))] })
    expect(short).toMatchObject({ status: 202, credits: 56 })
    const long = await generate({ model: 'aleph2', prompt: 'make it snow', params: {}, references: [ref(await asset('video/mp4', 4000))] })
    expect(long).toMatchObject({ status: 202, credits: 112 })
    expect(await reserved(long.generationId!)).toEqual([-112])
  })

  // A Gen-4.5 shot with two tags sent one image and listed both.
  it("Gen-4.5's workflow is handed, and so its variation lists, only the one image the model takes", async () => {
    const hero = await asset('image/png')
    const bottle = await asset('image/png')
    const res = await generate({ model: 'gen4.5', prompt: '@hero walks past @bottle', params: { duration: 5 }, references: [ref(hero, 'hero'), ref(bottle, 'bottle')] })
    expect(res).toMatchObject({ status: 202, credits: 60 })
    const start = await generationStartInput({ client: stack.temporal, generationId: res.generationId! })
    expect(start?.input).toMatchObject({ referenceIds: [ref(hero).shapeId], referenceAssets: [hero], references: [] })
  })
})
