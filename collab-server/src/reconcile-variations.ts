import { listFinishedGenerations, type Sql, type TFinishedGeneration } from '@montage/db'
import { getRecords, VARIATION_SHAPE, variationOutcomePatch, type TBoardCommand, type TVariationOutcome } from '@montage/board'
import type { BoardRoom } from './BoardRoom'
import { errorFields, type TLogger } from './logger'

export interface ReconcileVariationsOptions {
  db: Sql
  room: BoardRoom
  logger: TLogger
}

/**
 * Brings every variation the board still shows as queued or running up to what PostgreSQL says
 * its generation ended with. NATS is the fast path, never the record: a `variation.upsert` lost
 * after the generation row was finished would otherwise leave the card running for good. The
 * final state goes through the board-command path (`room.applyCommand`), where a status only
 * moves forward, so a late or repeated publish and this write agree. Returns how many it finished.
 */
export async function reconcileVariations({ db, room, logger }: ReconcileVariationsOptions): Promise<number> {
  const unfinished = new Map<string, string>()
  for (const { key, val } of getRecords(room.doc).map.values()) {
    const record = val as unknown
    if (!isShape(record) || record.type !== VARIATION_SHAPE) continue
    const props = record.props as { status?: unknown; generationId?: unknown } | null | undefined
    if (props?.status === 'queued' || props?.status === 'awaiting_approval' || props?.status === 'running') unfinished.set(key, typeof props.generationId === 'string' ? props.generationId : '')
  }
  if (unfinished.size === 0) return 0
  const finished = await listFinishedGenerations(db, { boardId: room.boardId, variationIds: [...unfinished.keys()] })
  let count = 0
  for (const row of finished) {
    // A variation names its generation once it started; one that names another is not this row's.
    const named = unfinished.get(row.variationId)
    if (named && named !== row.id) continue
    const outcome = outcomeOf(row)
    if (!outcome) {
      logger.warn('finished generation lacks its output; variation left as it is', { boardId: room.boardId, generationId: row.id })
      continue
    }
    const command: TBoardCommand = {
      id: `reconcile:${row.id}:${row.status}`,
      type: 'variation.upsert',
      boardId: room.boardId,
      variationId: row.variationId,
      patch: { shotId: row.shotId, generationId: row.id, ...variationOutcomePatch(outcome) },
    }
    try {
      await room.applyCommand(command)
      count++
      logger.info('variation finished from the generations table (its board command was lost)', { boardId: room.boardId, generationId: row.id, variationId: row.variationId, status: row.status })
    } catch (e) {
      logger.warn('reconciling a variation failed', { boardId: room.boardId, generationId: row.id, ...errorFields(e) })
    }
  }
  return count
}

function outcomeOf(row: TFinishedGeneration): TVariationOutcome | null {
  if (row.status !== 'succeeded') return { status: row.status, error: row.error ?? '' }
  if (!row.outputAsset || !row.posterAsset || !row.mimeType) return null
  return {
    status: 'succeeded',
    assetSha256: row.outputAsset,
    posterSha256: row.posterAsset,
    mimeType: row.mimeType,
    durationSeconds: row.durationSeconds ?? 0,
    stripSha256: row.stripAsset,
    stripFrames: row.stripFrames,
    proxySha256: row.proxyAsset,
  }
}

function isShape(record: unknown): record is { typeName: 'shape'; type: unknown; props: unknown } {
  return typeof record === 'object' && record !== null && (record as { typeName?: unknown }).typeName === 'shape'
}
