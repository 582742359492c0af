import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, parseInput, ZPromoteReferenceRequest } from '@montage/core'
import { createLibraryReference, getAssetView, getVariationClip } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

/**
 * `POST /api/references/promote` `{ boardId, variationId, tag, kind, name? }` → 201 `{ reference }`:
 * a generated still (or a clip's poster) becomes a library reference in one action.
 */
export const POST = route(async (req) => {
  const { user, caller } = await requireApiSession()
  const body = parseInput(ZPromoteReferenceRequest, await readJson(req))
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId: body.boardId, caller, permission: 'board.edit' })
  const clip = await getVariationClip(sql, { boardId: board.id, variationId: body.variationId })
  if (!clip || clip.status !== 'succeeded' || !clip.outputAsset) {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'variationId: only a finished variation can become a reference', { field: 'variationId' })
  }
  const output = await getAssetView(sql, { workspaceId: board.workspaceId, sha256: clip.outputAsset })
  if (output?.mimeType.startsWith('audio/')) {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'variationId: a sound cannot become a reference (a reference shows what someone or something looks like)', { field: 'variationId' })
  }
  // A still is its own view; a clip gives its poster (references anchor identity, a frame is enough).
  const viewSha = output?.mimeType.startsWith('image/') ? output.sha256 : clip.posterAsset
  const view = viewSha ? await getAssetView(sql, { workspaceId: board.workspaceId, sha256: viewSha }) : null
  if (!view) throw new AppError(AppErrorCode.BAD_REQUEST, 'variationId: this variation has no still to use as a reference', { field: 'variationId' })
  const reference = await createLibraryReference(sql, {
    workspaceId: board.workspaceId,
    tag: body.tag,
    kind: body.kind,
    name: body.name ?? '',
    assetIds: [view.id],
    createdBy: user.id,
  })
  return NextResponse.json({ reference }, { status: 201 })
})
