import { createHash, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  AppError,
  AppErrorCode,
  generationWorkflowId,
  sequenceRenderGenerationInput,
  timelineFingerprint,
  ZShapeId,
  type TRenderSequenceRequest,
  type TSequenceTimeline,
} from '@montage/core'
import { timelineFromBoard, VARIATION_SHAPE, type TVariationProps } from '@montage/board'
import { getBoard, type Sql } from '@montage/db'
import { startSequenceRenderWorkflow } from '@montage/workflows/client'
import type { TLRecord } from 'tldraw'
import { temporalClient } from '../context'
import { webEnv } from '../env'
import { requireBoardAccess } from '../require-board-access'
import { storedBoardRecords } from '../stored-board-records'
import type { StartedGeneration } from './start-generation'
import { storeAndStartGenerations } from './store-and-start-generations'
import type { TCaller } from '../caller'

/**
 * Starts a render of a sequence (`POST /api/sequences/render`, and Retry of a failed one): the
 * timeline is read from the board as stored, never taken from the client, so what is rendered
 * and charged is what the board holds. Everything is checked before anything is stored: the
 * sequence's problems (400, all of them), a delivery sequence's unapproved clips (409, named),
 * the price (402 when the workspace cannot pay). The render is a generation of the sequence:
 * its row, credits, progress, cancel and retry are those of any generation.
 */
export async function validateAndStartSequenceRender(sql: Sql, caller: TCaller, body: TRenderSequenceRequest): Promise<StartedGeneration> {
  for (const field of ['sequenceId', 'variationId'] as const) {
    if (!ZShapeId.safeParse(body[field]).success) throw new AppError(AppErrorCode.BAD_REQUEST, `${field}: must be a shape id like shape:abc`, { field })
  }
  const { board } = await requireBoardAccess(sql, { boardId: body.boardId, caller, permission: 'generation.start' })
  const { records, read } = await readStoredTimeline(sql, board.id, body)
  const problems = read.problems
  if (!read.ok || problems.length) {
    throw new AppError(AppErrorCode.BAD_REQUEST, `This sequence cannot be rendered yet: ${problems.join(' ')}`, { field: 'sequenceId' })
  }
  const { timeline } = read
  if (timeline.delivery && !read.approved) {
    const names = unapprovedClips(records, timeline)
    throw new AppError(
      AppErrorCode.CONFLICT,
      `This sequence is marked for delivery, so every clip must be approved: ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} not. Approve ${names.length === 1 ? 'it' : 'them'} or take ${names.length === 1 ? 'it' : 'them'} out.`,
    )
  }

  const input = sequenceRenderGenerationInput(
    { generationId: randomUUID(), workspaceId: board.workspaceId, boardId: board.id, userId: caller.userId, variationId: body.variationId },
    timeline,
    body.prores,
  )
  await storeAndStartGenerations(sql, {
    inputs: [input],
    request: { kind: 'sequence', sequenceId: body.sequenceId, prores: body.prores },
    start: async () => startSequenceRenderWorkflow({ client: await temporalClient(), input, taskQueuePrefix: webEnv().TASK_QUEUE_PREFIX }),
  })
  return { generationId: input.generationId, variationId: input.variationId, workflowId: generationWorkflowId(input.generationId), credits: input.credits, ...(input.awaitApproval ? { awaitingApproval: true } : {}) }
}

/** How long a render waits for the board to store what the person saw when they pressed Render. */
const STORED_TIMELINE_WAIT_MS = 10_000
const STORED_TIMELINE_POLL_MS = 250

/**
 * The sequence as stored. With the client's `timelineSha256`, waits (up to 10 s) until the stored
 * timeline is the one the person saw: the collab-server stores edits a moment after they happen.
 * Still different then, someone else changed the sequence meanwhile (or the edit never reached
 * the server): refused, so nobody pays for a cut they did not see.
 */
async function readStoredTimeline(sql: Sql, boardId: string, body: TRenderSequenceRequest): Promise<{ records: TLRecord[]; read: ReturnType<typeof timelineFromBoard> }> {
  const deadline = Date.now() + STORED_TIMELINE_WAIT_MS
  for (;;) {
    // Every stored edit moves the board's updated_at: read it first, so the document is loaded
    // again only when something was stored, not at every poll.
    const version = (await getBoard(sql, boardId))?.updatedAt.getTime()
    const records = await storedBoardRecords(sql, boardId)
    const read = timelineFromBoard(records, body.sequenceId, boardId)
    if (!body.timelineSha256) return { records, read }
    const stored = read.ok ? createHash('sha256').update(timelineFingerprint(read.timeline)).digest('hex') : null
    if (stored === body.timelineSha256) return { records, read }
    do {
      if (Date.now() >= deadline) {
        throw new AppError(
          AppErrorCode.CONFLICT,
          'The sequence on the server is not the one on your screen: an edit has not been saved yet, or someone else changed it. Check the timeline and render again.',
          { field: 'timelineSha256' },
        )
      }
      await sleep(STORED_TIMELINE_POLL_MS)
    } while ((await getBoard(sql, boardId))?.updatedAt.getTime() === version)
  }
}

/** The clips whose variation is not approved, as the sequence names them ("Clip 2 (Keeper close)"). */
function unapprovedClips(records: TLRecord[], timeline: TSequenceTimeline): string[] {
  const byId = new Map(records.map((r) => [r.id as string, r]))
  return timeline.clips.flatMap((clip, i) => {
    const v = byId.get(clip.variationId) as (TLRecord & { type?: string; props?: Partial<TVariationProps> }) | undefined
    if (v?.type === VARIATION_SHAPE && v.props?.reviewState === 'approved') return []
    return [`Clip ${i + 1}${clip.label ? ` (${clip.label})` : ''}`]
  })
}
