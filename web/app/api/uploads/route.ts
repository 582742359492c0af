import path from 'node:path'
import { rm } from 'node:fs/promises'
import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, formatBytes, parseInput, ZUploadQuery, type TUploadResponse } from '@montage/core'
import { getWorkspaceStorageUse, insertUploadedAsset, recordAssetIngest } from '@montage/db'
import { startIngestAssetWorkflow } from '@montage/workflows/client'
import { route } from '@/lib/server/api-error'
import { assetStore, db, temporalClient } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { logger } from '@/lib/server/logger'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'
import { checkImageUpload } from '@/lib/server/uploads/check-image-upload'
import { checkIsoBoxes } from '@/lib/server/uploads/check-iso-boxes'
import { decodeFirstFrame } from '@/lib/server/uploads/decode-first-frame'
import { ffmpegPath } from '@/lib/server/uploads/ffmpeg-path'
import { ffprobePath } from '@/lib/server/uploads/ffprobe-path'
import { probeVideoUpload } from '@/lib/server/uploads/probe-video-upload'
import { receiveUpload } from '@/lib/server/uploads/receive-upload'
import { toAssetView } from '@/lib/server/uploads/to-asset-view'

/**
 * `POST /api/uploads?boardId=…[&shapeId=…]` with the raw bytes of an image or a clip as the body.
 * Every check (rate limits and the workspace's storage quota, type by magic bytes, byte, pixel and
 * duration limits, a readable container, a first frame that decodes) runs on a temp file before
 * anything is stored; then the same bytes are one asset per workspace, and a new asset starts its
 * ingest workflow (poster, strip, proxy). Contract: packages/core/src/library.ts.
 */
export const POST = route(async (req) => {
  const { user } = await requireApiSession()
  await enforceRateLimits([{ limit: 'uploadsPerPerson', key: user.id }])
  const query = parseInput(ZUploadQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId: query.boardId, userId: user.id, permission: 'board.edit' })
  await enforceRateLimits([{ limit: 'uploadsPerWorkspace', key: board.workspaceId }])
  const env = webEnv()
  const quota = env.limits.quotas.workspaceStorageBytes
  // A full workspace is refused before the body is read. Short of full, the bytes decide once
  // received: a file the workspace already holds takes no room, whatever its size.
  const used = await getWorkspaceStorageUse(sql, board.workspaceId)
  if (used >= quota) {
    throw new AppError(AppErrorCode.QUOTA_EXCEEDED, `This workspace's storage is full: it holds ${formatBytes(used)} of its ${formatBytes(quota)} limit.`, { limit: 'workspaceStorageBytes' })
  }
  const upload = await receiveUpload(req, path.join(env.DATA_DIR, 'tmp', 'uploads'))
  let facts: { width: number; height: number; durationMs: number | null }
  try {
    if (upload.type.kind === 'image') {
      facts = { ...checkImageUpload(upload.head, upload.type), durationMs: null }
      await decodeFirstFrame(ffmpegPath(), upload.file, upload.type)
    } else {
      if (upload.type.mimeType !== 'video/webm') await checkIsoBoxes(upload.file, upload.byteSize, upload.type)
      facts = await probeVideoUpload({ ffprobe: ffprobePath(), ffmpeg: ffmpegPath() }, upload.file, upload.type)
    }
  } catch (e) {
    await rm(upload.file, { force: true })
    throw e
  }
  const store = assetStore()
  let asset, created
  try {
    ;({ asset, created } = await insertUploadedAsset(sql, {
      workspaceId: board.workspaceId,
      sha256: upload.sha256,
      mimeType: upload.type.mimeType,
      byteSize: upload.byteSize,
      ...facts,
      ingest: 'pending',
      createdBy: user.id,
      maxWorkspaceBytes: quota,
      beforeInsert: async () => void (await store.putFile(upload.file)),
    }))
  } finally {
    // Moved into the store when the row was created; otherwise (the same bytes again, a full quota) dropped.
    await rm(upload.file, { force: true })
  }
  let view = asset
  if (created) {
    try {
      await startIngestAssetWorkflow({
        client: await temporalClient(),
        args: { assetId: asset.id, workspaceId: board.workspaceId, sha256: asset.sha256, mimeType: asset.mimeType, boardId: board.id, ...(query.shapeId ? { shapeId: query.shapeId } : {}) },
        taskQueuePrefix: env.TASK_QUEUE_PREFIX,
      })
    } catch (e) {
      // The upload itself is safe; only its renditions are missing, and the asset says so.
      logger().error({ err: e, assetId: asset.id, boardId: board.id }, 'could not start ingest workflow')
      view = (await recordAssetIngest(sql, { assetId: asset.id, ingest: 'failed', error: 'The ingest queue is unavailable.' })) ?? asset
    }
  }
  const body: TUploadResponse = { asset: toAssetView(view), deduplicated: !created }
  return NextResponse.json(body, { status: 201 })
})
