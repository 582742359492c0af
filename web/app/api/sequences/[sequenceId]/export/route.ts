import { AppError, AppErrorCode, parseInput, ZSequenceExportQuery, ZShapeId, type THandoffFormat } from '@montage/core'
import { deliveryMediaPaths, slug, writeEdl, writeFcpxml, writeOtio } from '@montage/delivery'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { attachment } from '@/lib/server/delivery/content-disposition'
import { loadStoredSequence, unapprovedMessage } from '@/lib/server/delivery/load-stored-sequence'
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
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { user } = await requireApiSession()
  const query = parseInput(ZSequenceExportQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  await requireBoardAccess(sql, { boardId: query.boardId, userId: user.id, permission: 'board.view' })
  const sequenceId = parseInput(ZShapeId, decodeURIComponent((await params).sequenceId))
  const sequence = await loadStoredSequence(sql, { boardId: query.boardId, sequenceId })
  if (sequence.timeline.delivery && sequence.unapproved.length) throw new AppError(AppErrorCode.CONFLICT, unapprovedMessage(sequence, 'This sequence is marked for delivery and'))
  let body: string
  try {
    body = WRITERS[query.format](sequence.timeline, deliveryMediaPaths(sequence.timeline))
  } catch (e) {
    throw new AppError(AppErrorCode.CONFLICT, e instanceof Error ? e.message : String(e))
  }
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': TYPES[query.format],
      'Content-Disposition': attachment(`${slug(sequence.timeline.title, 'sequence')}.${query.format}`),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
})
