import type { TVariationPatch } from './variation-patch'

/** How a generation ended, as the generations table records it and the workflow reports it. */
export type TVariationOutcome =
  | {
      status: 'succeeded'
      assetSha256: string
      posterSha256: string
      mimeType: string
      durationSeconds: number
      stripSha256?: string | null
      stripFrames?: number | null
      proxySha256?: string | null
    }
  | { status: 'failed' | 'cancelled'; error: string }

/**
 * The final `variation.upsert` patch of a finished generation. The workflow publishes it and the
 * collab-server's reconciliation rebuilds it from PostgreSQL, so both write the same record.
 */
export function variationOutcomePatch(outcome: TVariationOutcome): TVariationPatch {
  if (outcome.status !== 'succeeded') return { status: outcome.status, error: outcome.error }
  return {
    status: 'succeeded',
    assetSha256: outcome.assetSha256,
    posterSha256: outcome.posterSha256,
    mimeType: outcome.mimeType,
    durationSeconds: outcome.durationSeconds,
    stripSha256: outcome.stripSha256 ?? '',
    stripFrames: outcome.stripFrames ?? 0,
    proxySha256: outcome.proxySha256 ?? '',
    error: '',
  }
}
