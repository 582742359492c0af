import { randomBytes, randomUUID } from 'node:crypto'
import * as Y from 'yjs'
import { connect } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { ensureBoardCommandStream, publishBoardCommand, readRecords, type TVariationPatch } from '@montage/board'
import { createGeneration, finishGeneration, loadBoardUpdates, recordAsset, type Sql } from '@montage/db'
import type { E2EStack } from './harness'

/** Signs in through the API (no browser) and returns the session cookie header. */
export async function signInCookie(stack: E2EStack, authSubject: string): Promise<{ cookie: string; token: string; userId: string }> {
  const [user] = await stack.sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = ${authSubject}`
  if (!user) throw new Error(`no user ${authSubject}`)
  const res = await fetch(`${stack.baseUrl}/api/auth/local/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: user.id }) })
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`)
  const cookie = cookieFrom(res, 'montage_session')
  return { cookie, token: cookie.split('=')[1]!, userId: user.id }
}

/** `name=value` of a cookie the response sets. */
export function cookieFrom(res: Response, name: string): string {
  const found = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))
  if (!found) throw new Error(`no ${name} cookie in the response`)
  return found.split(';')[0]!
}

export interface SucceededVariation {
  variationId: string
  generationId: string
  assetSha256: string
  posterSha256: string
  durationSeconds: number
}

/**
 * Makes a finished variation the way a generation workflow leaves one: stored output and poster,
 * a succeeded generations row, and a `variation.upsert` the collab-server applies and stores.
 * Resolves once the stored board holds it (guests read the stored board).
 */
export async function addSucceededVariation(
  stack: E2EStack,
  opts: { boardId: string; workspaceId: string; shotId: string; createdBy: string; durationSeconds?: number; media?: { video: Buffer; poster: Buffer } },
): Promise<SucceededVariation> {
  const store = stack.store
  const durationSeconds = opts.durationSeconds ?? 2
  // Random bytes unless a test plays them: only their identity matters to access checks and ranges.
  const video = await store.putBytes(opts.media?.video ?? randomBytes(48 * 1024))
  const poster = await store.putBytes(opts.media?.poster ?? randomBytes(4 * 1024))
  await recordAsset(stack.sql, { workspaceId: opts.workspaceId, sha256: video.sha256, mimeType: 'video/mp4', byteSize: video.byteSize, durationMs: durationSeconds * 1000 })
  await recordAsset(stack.sql, { workspaceId: opts.workspaceId, sha256: poster.sha256, mimeType: 'image/png', byteSize: poster.byteSize })
  const generationId = randomUUID()
  const variationId = `shape:rv-${generationId.slice(0, 8)}`
  await createGeneration(stack.sql, {
    id: generationId, workspaceId: opts.workspaceId, boardId: opts.boardId, shotId: opts.shotId, variationId, model: 'previz',
    params: { duration: durationSeconds }, credits: 0, workflowId: `generation/${generationId}`, createdBy: opts.createdBy,
  })
  await finishGeneration(stack.sql, { id: generationId, status: 'succeeded', outputAsset: video.sha256, posterAsset: poster.sha256 })
  const patch: TVariationPatch = {
    shotId: opts.shotId, generationId, status: 'succeeded', assetSha256: video.sha256, posterSha256: poster.sha256,
    mimeType: 'video/mp4', durationSeconds, model: 'previz', prompt: 'test',
  }
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
  try {
    await ensureBoardCommandStream(await jetstreamManager(nc))
    await publishBoardCommand(jetstream(nc), { id: `test:${generationId}`, type: 'variation.upsert', boardId: opts.boardId, variationId, patch })
  } finally {
    await nc.close()
  }
  await waitForStoredRecord(stack.sql, opts.boardId, variationId)
  return { variationId, generationId, assetSha256: video.sha256, posterSha256: poster.sha256, durationSeconds }
}

export async function storedRecord(sql: Sql, boardId: string, id: string): Promise<Record<string, unknown> | undefined> {
  const doc = new Y.Doc()
  const updates = await loadBoardUpdates(sql, boardId)
  if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates))
  const record = readRecords(doc)[id] as unknown as Record<string, unknown> | undefined
  doc.destroy()
  return record
}

async function waitForStoredRecord(sql: Sql, boardId: string, id: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await storedRecord(sql, boardId, id)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${id} never reached the stored board ${boardId}`)
}
