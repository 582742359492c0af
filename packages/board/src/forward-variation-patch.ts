import type { TGenerationStatus } from '@montage/core'
import type { TVariationPatch } from './variation-patch'

/** How far along a generation is: a status never moves to a lower rank, and a terminal one never changes. */
const STATUS_RANK: Record<TGenerationStatus, number> = { queued: 0, awaiting_approval: 0.5, running: 1, succeeded: 2, failed: 2, cancelled: 2 }

/** The fields that describe an outcome; they travel with the status that produced them. */
const OUTCOME_FIELDS = ['status', 'assetSha256', 'posterSha256', 'mimeType', 'durationSeconds', 'stripSha256', 'stripFrames', 'proxySha256', 'error'] as const

/** Whether a variation may go from `from` to `to`: forward only, and a finished one stays as it finished. */
export function isForwardStatus(from: TGenerationStatus, to: TGenerationStatus): boolean {
  if (from === to) return true
  return STATUS_RANK[to] > STATUS_RANK[from]
}

/**
 * The part of a `variation.upsert` patch that may still apply to a variation now at `current`.
 * Commands can arrive out of order (a redelivered `running` after `succeeded`, a `failed` after
 * a reconciliation wrote `succeeded`): such a stale patch keeps its provenance (model, prompt,
 * references, cost) but loses its status and the outcome fields that came with it.
 */
export function forwardVariationPatch(current: TGenerationStatus, patch: TVariationPatch): TVariationPatch {
  if (patch.status === undefined || isForwardStatus(current, patch.status)) return patch
  const kept: TVariationPatch = { ...patch }
  for (const field of OUTCOME_FIELDS) delete kept[field]
  return kept
}
