import { ApplicationFailure } from '@temporalio/common'
import type { JetStreamClient } from 'nats'
import { AppError, AppErrorCode, type TGenerationInput, type TGenerationOutput } from '@montage/core'
import {
  finishGeneration,
  markGenerationRunning,
  recordAsset,
  releaseCredits,
  reserveCredits,
  settleCredits,
  type Sql,
} from '@montage/db'
import { publishBoardCommand, type TVariationPatch } from '@montage/board'

export interface ControlActivityDeps {
  db: Sql
  js: JetStreamClient
}

export interface TFinishFailedInput {
  input: TGenerationInput
  status: 'failed' | 'cancelled'
  reason: string
}

/**
 * Control-plane activities: credits, the generations table, and board commands. Each one is
 * idempotent by generation id, so Temporal may retry any of them safely.
 */
export function createControlActivities({ db, js }: ControlActivityDeps) {
  async function publishVariation(input: TGenerationInput, step: string, patch: TVariationPatch): Promise<void> {
    await publishBoardCommand(js, {
      // One id per (generation, step): a retried activity publishes a duplicate JetStream drops.
      id: `${input.generationId}:${step}`,
      type: 'variation.upsert',
      boardId: input.boardId,
      variationId: input.variationId,
      patch: { shotId: input.shotId, generationId: input.generationId, ...patch },
    })
  }

  return {
    async reserveGenerationCredits(input: TGenerationInput): Promise<void> {
      try {
        await reserveCredits(db, { workspaceId: input.workspaceId, generationId: input.generationId, amount: input.credits })
      } catch (e) {
        if (e instanceof AppError && e.code === AppErrorCode.INSUFFICIENT_CREDITS) {
          throw ApplicationFailure.nonRetryable(e.message, AppErrorCode.INSUFFICIENT_CREDITS)
        }
        throw e
      }
    },

    async markGenerationStarted(input: TGenerationInput): Promise<void> {
      await markGenerationRunning(db, input.generationId)
      await publishVariation(input, 'running', {
        status: 'running',
        model: input.model,
        prompt: input.prompt,
        referenceIds: input.referenceIds,
        cost: input.credits,
      })
    },

    async completeGeneration(args: { input: TGenerationInput; output: TGenerationOutput }): Promise<void> {
      const { input, output } = args
      await recordAsset(db, {
        workspaceId: input.workspaceId,
        sha256: output.assetSha256,
        mimeType: output.mimeType,
        byteSize: output.byteSize,
        width: output.width,
        height: output.height,
        durationMs: Math.round(output.durationSeconds * 1000),
        createdBy: input.userId,
      })
      await recordAsset(db, {
        workspaceId: input.workspaceId,
        sha256: output.posterSha256,
        mimeType: 'image/jpeg',
        byteSize: output.posterByteSize,
        width: output.width,
        height: output.height,
        createdBy: input.userId,
      })
      await finishGeneration(db, { id: input.generationId, status: 'succeeded', outputAsset: output.assetSha256, posterAsset: output.posterSha256 })
      await settleCredits(db, { generationId: input.generationId, actualCost: input.credits })
      await publishVariation(input, 'succeeded', {
        status: 'succeeded',
        assetSha256: output.assetSha256,
        posterSha256: output.posterSha256,
        mimeType: output.mimeType,
        durationSeconds: output.durationSeconds,
        error: '',
      })
    },

    async finishGenerationUnsuccessfully({ input, status, reason }: TFinishFailedInput): Promise<void> {
      await releaseCredits(db, { generationId: input.generationId })
      await finishGeneration(db, { id: input.generationId, status, error: reason })
      await publishVariation(input, status, { status, error: reason })
    },
  }
}

export type ControlActivities = ReturnType<typeof createControlActivities>
