import type { TGenerationOutput, TRenderPrevizInput } from '@montage/core'

/**
 * Bench only, never in the product catalogue: the gpu queue's `renderPreviz` activity replaced by
 * one that returns at once with a clip already in the asset store. What remains of a generation's
 * time is the pipeline's own overhead (API start, Temporal, PostgreSQL, NATS, collab-server).
 */
export function createNoopModelActivities(storedClip: TGenerationOutput) {
  return {
    async renderPreviz(_input: TRenderPrevizInput): Promise<TGenerationOutput> {
      return storedClip
    },
  }
}
