import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, formatBytes, parseInput, ZUploadQuery, type TUploadResponse } from '@montage/core'
import { completeOutputAssetRenditions, getWorkspaceStorageUse, insertUploadedAsset, recordAssetIngest } from '@montage/db'
import { startIngestAssetWorkflow } from '@montage/workflows/client'
import { route } from '@/lib/server/api-error'
import { assetStore, db, temporalClient } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { logger } from '@/lib/server/logger'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'
import { checkImageUpload } from '@/lib/server/uploads/check-image-upload'
import { decodeFirstFrame } from '@/lib/server/uploads/decode-first-frame'
import { ffmpegPath } from '@/lib/server/uploads/ffmpeg-path'
import { ffprobePath } from '@/lib/server/uploads/ffprobe-path'
import { probeAudioUpload } from '@/lib/server/uploads/probe-audio-upload'
import { probeVideoUpload } from '@/lib/server/uploads/probe-video-upload'
import { receiveUpload } from '@/lib/server/uploads/receive-upload'
import { toAssetView } from '@/lib/server/uploads/to-asset-view'

/**
 * `POST /api/uploads?boardId=…[&shapeId=…]` with the raw bytes of an image, a clip or a sound as the
 * body. Every check (rate limits and the workspace's storage quota, type by magic bytes, byte, pixel
 * and duration limits, a readable container, a first frame or the audio that decodes) runs on the bytes staged in
 * the asset store (`store.stage`: a temp file, or the bucket's staging area) before anything is
 * stored under its name; then the same bytes are one asset per workspace, and a new asset starts its
 * ingest workflow (poster, strip, proxy). Contract: packages/core/src/library.ts.
 */
export const POST = route(async (req) => {
  const { user, caller } = await requireApiSession()
  await enforceRateLimits([{ limit: 'uploadsPerPerson', key: user.id }])
  const query = parseInput(ZUploadQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId: query.boardId, caller, permission: 'board.edit' })
  await enforceRateLimits([{ limit: 'uploadsPerWorkspace', key: board.workspaceId }])
  const env = webEnv()
  const quota = env.limits.quotas.workspaceStorageBytes
  // A full workspace is refused before the body is read. Short of full, the bytes decide once
  // received: a file the workspace already holds takes no room, whatever its size.
  const used = await getWorkspaceStorageUse(sql, board.workspaceId)
  if (used >= quota) {
    throw new AppError(AppErrorCode.QUOTA_EXCEEDED, `This workspace's storage is full: it holds ${formatBytes(used)} of its ${formatBytes(quota)} limit.`, { limit: 'workspaceStorageBytes' })
  }
  const store = assetStore()
  const upload = await receiveUpload(req, store)
  const { staged } = upload
  let asset, created
  let facts: { width: number | null; height: number | null; durationMs: number | null }
  try {
    // ffprobe and ffmpeg read the staged bytes where they lie: a local path, or a presigned URL.
    const source = await staged.source()
    if (upload.type.kind === 'image') {
      facts = { ...checkImageUpload(upload.head, upload.type), durationMs: null }
      await decodeFirstFrame(ffmpegPath(), source, upload.type)
    } else if (upload.type.kind === 'audio') {
      facts = { width: null, height: null, ...(await probeAudioUpload({ ffprobe: ffprobePath(), ffmpeg: ffmpegPath() }, source, upload.type)) }
    } else {
      facts = await probeVideoUpload({ ffprobe: ffprobePath(), ffmpeg: ffmpegPath() }, source, upload.type)
    }
    ;({ asset, created } = await insertUploadedAsset(sql, {
      workspaceId: board.workspaceId,
      sha256: staged.sha256,
      mimeType: upload.type.mimeType,
      byteSize: staged.byteSize,
      ...facts,
      ingest: 'pending',
      createdBy: user.id,
      maxWorkspaceBytes: quota,
      // Under the workspace's storage lock, before the row: a row never names a blob that is not there.
      beforeInsert: async () => void (await staged.commit()),
    }))
  } finally {
    // Committed when the row was created; otherwise (refused, the same bytes again, a full quota) dropped.
    await staged.discard()
  }
  let view = asset
  // The same bytes as a generated output: its row has no poster, strip or proxy of its own. It
  // takes the output's when they exist, or gets its ingest like a new upload.
  const completed = created ? null : await completeOutputAssetRenditions(sql, { assetId: asset.id, width: facts.width, height: facts.height, durationMs: facts.durationMs })
  if (completed) view = completed.asset
  if (created || (completed && !completed.shared)) {
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
