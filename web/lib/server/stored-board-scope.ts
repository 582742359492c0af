import * as Y from 'yjs'
import type { TReviewLinkScope, TReviewScopeView } from '@montage/core'
import { readValidRecords, SHOT_SHAPE, VARIATION_SHAPE, type TVariationProps } from '@montage/board'
import { loadBoardUpdates, type Sql } from '@montage/db'

export interface StoredBoardScope {
  shots: TReviewScopeView['shots']
  /** Variation ids in scope. */
  variationIds: Set<string>
  /** Every asset a guest of this scope may fetch: the variations' outputs, web proxies and posters. */
  assetShas: Set<string>
  /** Clip lengths as the board shows them, by variation id. */
  durations: Map<string, number>
}

/**
 * The shots and variations a review link shows, read from the stored board document (what the
 * collab-server has persisted), so a guest never touches the live socket.
 */
export async function storedBoardScope(sql: Sql, opts: { boardId: string; scope: TReviewLinkScope; shotId: string | null }): Promise<StoredBoardScope> {
  const doc = new Y.Doc()
  const updates = await loadBoardUpdates(sql, opts.boardId)
  if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates))
  // Only records that validate: one stored before the collab-server checked updates is skipped, not a 500.
  const { records: valid, invalid } = readValidRecords(doc, { only: (r) => r.typeName === 'shape' && (r.type === SHOT_SHAPE || r.type === VARIATION_SHAPE) })
  doc.destroy()
  if (invalid.length > 0) console.warn(`[web] board ${opts.boardId}: skipped ${invalid.length} record(s) that do not validate`)
  const records = [...valid.values()] as unknown as { id: string; typeName: string; type?: string; y?: number; x?: number; props?: Record<string, unknown> }[]
  const shotShapes = records
    .filter((r) => r.typeName === 'shape' && r.type === 'shot' && (opts.scope === 'board' || r.id === opts.shotId))
    .sort((a, b) => (a.y ?? 0) - (b.y ?? 0) || (a.x ?? 0) - (b.x ?? 0))
  const variationIds = new Set<string>()
  const assetShas = new Set<string>()
  const durations = new Map<string, number>()
  const shots = shotShapes.map((shot) => {
    const variations = records
      .filter((r) => r.typeName === 'shape' && r.type === 'variation' && (r.props as Partial<TVariationProps>).shotId === shot.id)
      .sort((a, b) => (a.x ?? 0) - (b.x ?? 0))
      .map((r) => {
        const p = r.props as unknown as TVariationProps
        variationIds.add(r.id)
        durations.set(r.id, p.durationSeconds)
        if (p.assetSha256) assetShas.add(p.assetSha256)
        if (p.posterSha256) assetShas.add(p.posterSha256)
        // What the guest's viewer plays of a clip larger than 720p.
        if (p.proxySha256) assetShas.add(p.proxySha256)
        return {
          id: r.id,
          status: p.status,
          assetSha256: p.assetSha256,
          proxySha256: p.proxySha256 ?? '',
          posterSha256: p.posterSha256,
          mimeType: p.mimeType,
          durationSeconds: p.durationSeconds,
          reviewState: p.reviewState ?? 'pending',
          model: p.model,
        }
      })
    const props = (shot.props ?? {}) as { prompt?: string; title?: string }
    return { id: shot.id, prompt: props.prompt ?? '', title: props.title ?? '', variations }
  })
  return { shots, variationIds, assetShas, durations }
}
