import { AppError, AppErrorCode, parseInput, ZSequenceExportQuery, ZShapeId, type THandoffFormat } from '@montage/core'
import { deliveryMediaPaths, slug, writeEdl, writeFcpxml, writeOtio } from '@montage/delivery'
import { C2PA_SIDECAR_FORMAT, signSidecarForDigest } from '@montage/provenance/sign'
import { createHash } from 'node:crypto'
import { route } from '@/lib/server/api-error'
import { db, signingCredentials } from '@/lib/server/context'
import { attachment } from '@/lib/server/delivery/content-disposition'
import { loadStoredSequence, unapprovedMessage } from '@/lib/server/delivery/load-stored-sequence'
import { sequenceMediaClaims, writtenDocumentClaim } from '@/lib/server/delivery/package-entry-signer'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ sequenceId: string }> }

const WRITERS = { otio: writeOtio, fcpxml: writeFcpxml, edl: writeEdl } as const
const TYPES: Record<THandoffFormat, string> = { otio: 'application/json; charset=utf-8', fcpxml: 'application/xml; charset=utf-8', edl: 'text/plain; charset=utf-8' }

/**
 * `GET /api/sequences/<sequenceId>/export?boardId=…&format=otio|fcpxml|edl`: the sequence as one
 * editor hand-off file, from the stored board. Its media paths are the delivery package's
 * (`clips/…`, `audio/…`), so it relinks when placed beside the package's files. Any member may
 * download; a sequence marked for delivery with a clip nobody approved is refused, naming it.
 * A text file cannot carry Content Credentials: `&sidecar=1` answers its `.c2pa` (the writers are
 * deterministic, so the sidecar binds to the bytes the plain request gives for the same sequence).
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const query = parseInput(ZSequenceExportQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId: query.boardId, caller, permission: 'board.view' })
  const sequenceId = parseInput(ZShapeId, decodeURIComponent((await params).sequenceId))
  const sequence = await loadStoredSequence(sql, { boardId: query.boardId, sequenceId })
  if (sequence.timeline.delivery && sequence.unapproved.length) throw new AppError(AppErrorCode.CONFLICT, unapprovedMessage(sequence, 'This sequence is marked for delivery and'))
  let body: string
  try {
    body = WRITERS[query.format](sequence.timeline, deliveryMediaPaths(sequence.timeline))
  } catch (e) {
    throw new AppError(AppErrorCode.CONFLICT, e instanceof Error ? e.message : String(e))
  }
  const fileName = `${slug(sequence.timeline.title, 'sequence')}.${query.format}`
  if (query.sidecar === '1') {
    const media = await sequenceMediaClaims(sql, { board, sequence })
    const sidecar = await signSidecarForDigest({
      sha256: new Uint8Array(createHash('sha256').update(body).digest()),
      format: TYPES[query.format].split(';')[0]!,
      claim: writtenDocumentClaim({ board, sequence, media }, { path: fileName, kind: 'handoff' }),
      credentials: await signingCredentials(),
    })
    return new Response(new Blob([sidecar as Uint8Array<ArrayBuffer>]).stream(), { status: 200, headers: headers(C2PA_SIDECAR_FORMAT, `${fileName}.c2pa`, sidecar.byteLength) })
  }
  const bytes = Buffer.from(body, 'utf8')
  return new Response(new Blob([bytes]).stream(), { status: 200, headers: { ...headers(TYPES[query.format], fileName, bytes.byteLength), 'X-Content-Credentials': 'sidecar' } })
})

const headers = (type: string, fileName: string, size: number): Record<string, string> => ({
  'Content-Type': type,
  'Content-Length': String(size),
  'Content-Disposition': attachment(fileName),
  'Cache-Control': 'private, no-store',
  'X-Content-Type-Options': 'nosniff',
})
