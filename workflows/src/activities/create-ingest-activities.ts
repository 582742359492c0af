import type { JetStreamClient } from '@nats-io/jetstream'
import type { TIngestAssetOutput, TIngestAssetWorkflowArgs } from '@montage/core'
import { recordAsset, recordAssetIngest, type Sql } from '@montage/db'
import { publishBoardCommand, type TReferencePatch } from '@montage/board'

export interface IngestActivityDeps {
  db: Sql
  js: JetStreamClient
}

export type TIngestTarget = Omit<TIngestAssetWorkflowArgs, 'gpuTaskQueue'>

/**
 * Control-plane side of an upload's ingest: the asset row and the board. Idempotent by asset id:
 * a retry writes the same values and publishes a command id JetStream has already seen.
 */
export function createIngestActivities({ db, js }: IngestActivityDeps) {
  async function tellBoard(target: TIngestTarget, step: string, patch: TReferencePatch): Promise<void> {
    await publishBoardCommand(js, {
      id: `ingest:${target.assetId}:${step}`,
      type: 'reference.upsert',
      boardId: target.boardId,
      ...(target.shapeId ? { shapeId: target.shapeId } : {}),
      assetSha256: target.sha256,
      patch,
    })
  }

  return {
    async completeAssetIngest(args: { target: TIngestTarget; output: TIngestAssetOutput }): Promise<void> {
      const { target, output } = args
      // Renditions are assets of the workspace too, so signed URLs can serve them.
      // A sound's poster is its waveform picture, whose size is not the sound's (it has none).
      const renditions: Array<[string | null, number | null, string, number | null, number | null]> = [
        [output.posterSha256, output.posterByteSize, 'image/jpeg', output.width, output.height],
        [output.stripSha256, output.stripByteSize, 'image/jpeg', 0, 0],
        [output.proxySha256, output.proxyByteSize, 'video/mp4', output.width, output.height],
      ]
      for (const [sha256, byteSize, mimeType, width, height] of renditions) {
        if (!sha256 || !byteSize) continue
        await recordAsset(db, { workspaceId: target.workspaceId, sha256, mimeType, byteSize, ...(width && height ? { width, height } : {}) })
      }
      await recordAssetIngest(db, {
        assetId: target.assetId,
        ingest: 'ready',
        width: output.width,
        height: output.height,
        durationMs: output.durationMs,
        posterSha256: output.posterSha256,
        stripSha256: output.stripSha256,
        stripFrames: output.stripFrames,
        proxySha256: output.proxySha256,
      })
      await tellBoard(target, 'ready', {
        mimeType: target.mimeType,
        ingest: 'ready',
        posterSha256: output.posterSha256 ?? '',
        stripSha256: output.stripSha256 ?? '',
        stripFrames: output.stripFrames ?? 0,
        proxySha256: output.proxySha256 ?? '',
      })
    },

    async failAssetIngest(args: { target: TIngestTarget; reason: string }): Promise<void> {
      await recordAssetIngest(db, { assetId: args.target.assetId, ingest: 'failed', error: args.reason })
      await tellBoard(args.target, 'failed', { mimeType: args.target.mimeType, ingest: 'failed' })
    },
  }
}

export type IngestActivities = ReturnType<typeof createIngestActivities>
