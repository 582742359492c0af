import { ApplicationFailure } from '@temporalio/common'
import type { JetStreamClient } from '@nats-io/jetstream'
import { AppError, AppErrorCode, SEQUENCE_RENDER_MODEL, type TGenerationInput, type TRenderSequenceOutput, type TWebhookEvent } from '@montage/core'
import {
  finishGeneration,
  listApprovers,
  markGenerationRunning,
  recordAsset,
  releaseCredits,
  reserveCredits,
  settleCredits,
  type Sql,
} from '@montage/db'
import { publishBoardCommand, publishFeedEvent, variationOutcomePatch, type TVariationPatch } from '@montage/board'

/** Where the activities count what moved (`createJobMetrics` of `@montage/runtime`); absent, nothing is counted. */
export interface TControlMetrics {
  job(state: 'started' | 'succeeded' | 'failed' | 'cancelled', model: string): void
  credits(kind: 'reserved' | 'settled' | 'released', amount: number): void
}

export interface ControlActivityDeps {
  db: Sql
  js: JetStreamClient
  metrics?: TControlMetrics
  /** Records and starts the deliveries of a workspace event (`createWebhookActivities`); absent, no webhook is sent. */
  emitWebhookEvent?: (event: TWebhookEvent) => Promise<void>
}

/**
 * What the control activities need of a generation: a shot generation's input, or an edit's (whose
 * model is an edit operation and which names the variation it was made from).
 */
export type TControlGenerationInput = Omit<TGenerationInput, 'model' | 'params'> & { model: string; params: Record<string, unknown>; parentVariationId?: string }

export interface TFinishFailedInput {
  input: TControlGenerationInput
  status: 'failed' | 'cancelled'
  reason: string
}

/**
 * Control-plane activities: credits, the generations table, and board commands. Each one is
 * idempotent by generation id, so Temporal may retry any of them safely.
 */
export function createControlActivities({ db, js, metrics, emitWebhookEvent }: ControlActivityDeps) {
  async function publishVariation(input: TControlGenerationInput, step: string, patch: TVariationPatch): Promise<void> {
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
    async reserveGenerationCredits(input: TControlGenerationInput): Promise<void> {
      try {
        await reserveCredits(db, { workspaceId: input.workspaceId, generationId: input.generationId, amount: input.credits })
      } catch (e) {
        // Neither is fixed by trying again: too few credits, or a start the web already undid.
        if (e instanceof AppError && (e.code === AppErrorCode.INSUFFICIENT_CREDITS || e.code === AppErrorCode.CONFLICT)) {
          throw ApplicationFailure.nonRetryable(e.message, e.code)
        }
        throw e
      }
    },

    /** A job above the approval threshold: the card says it waits, and the owners and producers hear of it. */
    async markGenerationAwaitingApproval(input: TControlGenerationInput): Promise<void> {
      await publishVariation(input, 'awaiting_approval', {
        status: 'awaiting_approval',
        model: input.model,
        prompt: input.prompt,
        referenceIds: input.referenceIds,
        referenceTags: (input.references ?? []).map((r) => r.tag),
        cost: input.credits,
        ...(input.parentVariationId ? { parentVariationId: input.parentVariationId } : {}),
      })
      const recipients = await listApprovers(db, input.workspaceId)
      if (recipients.length === 0) return
      await publishFeedEvent(js, {
        id: `approval:${input.generationId}`,
        type: 'approval.requested',
        workspaceId: input.workspaceId,
        boardId: input.boardId,
        at: new Date().toISOString(),
        actor: { id: input.userId, name: '' },
        recipients,
        variationId: input.variationId,
        shotId: input.shotId,
        generationId: input.generationId,
        model: input.model,
        credits: input.credits,
      })
    },

    async markGenerationStarted(input: TControlGenerationInput): Promise<void> {
      // Independent writes, at once: every round trip here is on the way to the board.
      const [moved] = await Promise.all([
        markGenerationRunning(db, input.generationId),
        publishVariation(input, 'running', {
          status: 'running',
          model: input.model,
          prompt: input.prompt,
          referenceIds: input.referenceIds,
          referenceTags: (input.references ?? []).map((r) => r.tag),
          cost: input.credits,
          ...(input.parentVariationId ? { parentVariationId: input.parentVariationId } : {}),
        }),
      ])
      // Counted when the row moved, so a retried activity counts once.
      if (moved) metrics?.job('started', input.model)
    },

    /** A sequence render's output also names its ProRes master, which its webhook carries. */
    async completeGeneration(args: { input: TControlGenerationInput; output: TRenderSequenceOutput }): Promise<void> {
      const { input, output } = args
      // Independent, idempotent writes two at a time (a retry redoes whichever did not land).
      await Promise.all([
        recordAsset(db, {
          workspaceId: input.workspaceId,
          sha256: output.assetSha256,
          mimeType: output.mimeType,
          byteSize: output.byteSize,
          // A sound has no picture size (its output says 0×0): the row leaves it empty.
          ...(output.width && output.height ? { width: output.width, height: output.height } : {}),
          durationMs: Math.round(output.durationSeconds * 1000),
          createdBy: input.userId,
        }),
        recordAsset(db, {
          workspaceId: input.workspaceId,
          sha256: output.posterSha256,
          mimeType: 'image/jpeg',
          byteSize: output.posterByteSize,
          ...(output.width && output.height ? { width: output.width, height: output.height } : {}),
          createdBy: input.userId,
        }),
        // The strip and the proxy are served like any asset of the workspace, so they are recorded like one.
        output.stripSha256 && output.stripByteSize
          ? recordAsset(db, { workspaceId: input.workspaceId, sha256: output.stripSha256, mimeType: 'image/jpeg', byteSize: output.stripByteSize, createdBy: input.userId })
          : undefined,
        output.proxySha256 && output.proxyByteSize
          ? recordAsset(db, {
              workspaceId: input.workspaceId,
              sha256: output.proxySha256,
              mimeType: 'video/mp4',
              byteSize: output.proxyByteSize,
              width: output.proxyWidth,
              height: output.proxyHeight,
              durationMs: Math.round(output.durationSeconds * 1000),
              createdBy: input.userId,
            })
          : undefined,
      ])
      // Settled at what the provider reports the task cost, when it reports it; never above what
      // was reserved (the price the person agreed to), whatever it reports.
      const charged = Math.min(input.credits, Math.ceil(output.providerCredits ?? input.credits))
      const [finished, settled] = await Promise.all([
        // The whole outcome, so the collab-server's reconciliation can rebuild the board's state if the publish below is lost.
        finishGeneration(db, {
          id: input.generationId,
          status: 'succeeded',
          outputAsset: output.assetSha256,
          posterAsset: output.posterSha256,
          outputMimeType: output.mimeType,
          outputDurationSeconds: output.durationSeconds,
          stripAsset: output.stripSha256 || undefined,
          stripFrames: output.stripFrames ?? undefined,
          proxyAsset: output.proxySha256 || undefined,
        }),
        settleCredits(db, { generationId: input.generationId, actualCost: charged }),
      ])
      if (finished.moved) metrics?.job('succeeded', input.model)
      if (settled) metrics?.credits('settled', charged)
      await publishVariation(input, 'succeeded', {
        // The variation's cost is what was charged: Runway's reported cost when below the reservation.
        cost: charged,
        ...variationOutcomePatch({
          status: 'succeeded',
          assetSha256: output.assetSha256,
          posterSha256: output.posterSha256,
          mimeType: output.mimeType,
          durationSeconds: output.durationSeconds,
          stripSha256: output.stripSha256,
          stripFrames: output.stripFrames,
          proxySha256: output.proxySha256,
        }),
      })
      // Recorded once per event id, so a retried activity neither records nor starts a delivery twice.
      const ref = { generationId: input.generationId, boardId: input.boardId, shotId: input.shotId, variationId: input.variationId, model: input.model }
      const at = (finished.finishedAt ?? new Date()).toISOString()
      if (input.model === SEQUENCE_RENDER_MODEL) {
        await emitWebhookEvent?.({
          id: `sequence.rendered:${input.generationId}`,
          type: 'sequence.rendered',
          workspaceId: input.workspaceId,
          createdAt: at,
          data: { ...ref, outputSha256: output.assetSha256, posterSha256: output.posterSha256, durationSeconds: output.durationSeconds, proresSha256: output.proresSha256 || null },
        })
      } else {
        await emitWebhookEvent?.({
          id: `generation.succeeded:${input.generationId}`,
          type: 'generation.succeeded',
          workspaceId: input.workspaceId,
          createdAt: at,
          data: { ...ref, outputSha256: output.assetSha256, posterSha256: output.posterSha256, mimeType: output.mimeType, durationSeconds: output.durationSeconds },
        })
      }
      // The workspace feed hears of it; a feed outage never fails a finished generation.
      await publishFeedEvent(js, {
        id: `variation:${input.generationId}`,
        type: 'variation.succeeded',
        workspaceId: input.workspaceId,
        boardId: input.boardId,
        at: new Date().toISOString(),
        actor: { id: input.userId, name: '' },
        variationId: input.variationId,
        shotId: input.shotId,
        generationId: input.generationId,
        model: input.model,
      })
    },

    /** An output beside the usual ones (a sequence's ProRes master), recorded so the workspace may fetch it. */
    async recordOutputAsset({ input, asset }: { input: TControlGenerationInput; asset: { sha256: string; mimeType: string; byteSize: number; width: number; height: number; durationSeconds: number } }): Promise<void> {
      await recordAsset(db, {
        workspaceId: input.workspaceId,
        sha256: asset.sha256,
        mimeType: asset.mimeType,
        byteSize: asset.byteSize,
        width: asset.width,
        height: asset.height,
        durationMs: Math.round(asset.durationSeconds * 1000),
        createdBy: input.userId,
      })
    },

    async finishGenerationUnsuccessfully({ input, status, reason }: TFinishFailedInput): Promise<void> {
      if (await releaseCredits(db, { generationId: input.generationId })) metrics?.credits('released', input.credits)
      const finished = await finishGeneration(db, { id: input.generationId, status, error: reason })
      if (finished.moved) metrics?.job(status, input.model)
      await publishVariation(input, status, variationOutcomePatch({ status, error: reason }))
      // A cancel is the person's own doing: only failures are announced. The row's first outcome
      // is the one told, whatever a later call was asked to record.
      if (finished.status === 'failed') {
        await emitWebhookEvent?.({
          id: `generation.failed:${input.generationId}`,
          type: 'generation.failed',
          workspaceId: input.workspaceId,
          createdAt: (finished.finishedAt ?? new Date()).toISOString(),
          data: { generationId: input.generationId, boardId: input.boardId, shotId: input.shotId, variationId: input.variationId, model: input.model, error: finished.error ?? reason },
        })
      }
    },
  }
}

export type ControlActivities = ReturnType<typeof createControlActivities>
