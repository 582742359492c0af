import { NextResponse } from 'next/server'
import { z } from 'zod'
import { AppError, AppErrorCode, parseInput } from '@montage/core'
import { recordAsset } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { assetStore, db } from '@/lib/server/context'
import { readImageInfo } from '@/lib/server/image-size'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

const MAX_UPLOAD_BYTES = 25 * 1024 * 1024
const ZUploadQuery = z.object({ boardId: z.string().uuid() })

/** Reads the body, refusing as soon as it passes the limit rather than buffering it all first. */
async function readBodyLimited(req: Request, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? '0')
  if (declared > max) throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `Images can be at most ${max / 1024 / 1024} MB.`)
  if (!req.body) return new Uint8Array()
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = req.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > max) {
      await reader.cancel()
      throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `Images can be at most ${max / 1024 / 1024} MB.`)
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}

/** `POST /api/uploads?boardId=…` with the raw image bytes as the body. */
export const POST = route(async (req) => {
  const { user } = await requireApiSession()
  const { boardId } = parseInput(ZUploadQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, userId: user.id, permission: 'board.edit' })
  const bytes = await readBodyLimited(req, MAX_UPLOAD_BYTES)
  if (bytes.byteLength === 0) throw new AppError(AppErrorCode.BAD_REQUEST, 'The upload is empty.', { field: 'body' })
  // The bytes decide the type, whatever Content-Type claims.
  const info = readImageInfo(bytes)
  if (!info) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, 'Upload a PNG, JPEG or WebP image.', { field: 'body' })
  const stored = await assetStore().putBytes(bytes)
  await recordAsset(sql, {
    workspaceId: board.workspaceId,
    sha256: stored.sha256,
    mimeType: info.mimeType,
    byteSize: stored.byteSize,
    width: info.width,
    height: info.height,
    createdBy: user.id,
  })
  return NextResponse.json({ sha256: stored.sha256, mimeType: info.mimeType, width: info.width, height: info.height }, { status: 201 })
})
