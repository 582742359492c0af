import { Readable } from 'node:stream'
import { AppError, AppErrorCode, parseInput, ZSequencePackageQuery, ZShapeId } from '@montage/core'
import { DeliveryMediaMissingError, streamDeliveryPackage } from '@montage/delivery'
import { route } from '@/lib/server/api-error'
import { assetStore, db, signingCredentials, signingGate } from '@/lib/server/context'
import { attachment } from '@/lib/server/delivery/content-disposition'
import { deliveryProvenance } from '@/lib/server/delivery/delivery-provenance'
import { loadStoredSequence, unapprovedMessage } from '@/lib/server/delivery/load-stored-sequence'
import { packageEntrySigner } from '@/lib/server/delivery/package-entry-signer'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ sequenceId: string }> }

/**
 * `GET /api/sequences/<sequenceId>/package?boardId=…`: the delivery package, one zip streamed as
 * it is written (the render, each approved clip at full quality, the OTIO, FCPXML and EDL, and
 * `manifest.json` with prompts, models, costs and who approved what and when), every file with
 * its Content Credentials (`packageEntrySigner`: media embedded when the zip reaches them, the
 * other files followed by a `.c2pa` sidecar). Any member may download. Refused, in words, when a clip is not approved, when the sequence has no finished
 * render, or when a file is missing from the store or is not this workspace's.
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const query = parseInput(ZSequencePackageQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId: query.boardId, caller, permission: 'board.view' })
  const sequenceId = parseInput(ZShapeId, decodeURIComponent((await params).sequenceId))
  const sequence = await loadStoredSequence(sql, { boardId: board.id, sequenceId })
  if (sequence.unapproved.length) throw new AppError(AppErrorCode.CONFLICT, unapprovedMessage(sequence, 'A delivery package'))
  const provenance = await deliveryProvenance(sql, { board, sequence })
  const gate = signingGate()
  const signEntry = await packageEntrySigner(sql, { board, sequence, render: provenance.render, credentials: await signingCredentials(), embedding: (sign) => gate.run(sign) })
  try {
    const pkg = await streamDeliveryPackage({ store: assetStore(), timeline: sequence.timeline, render: provenance.render, provenance: provenance.manifest, signEntry })
    return new Response(Readable.toWeb(pkg.stream) as unknown as ReadableStream<Uint8Array>, {
      status: 200,
      headers: {
        'Content-Type': 'application/zip',
        'Content-Disposition': attachment(pkg.fileName),
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    })
  } catch (e) {
    if (e instanceof DeliveryMediaMissingError) throw new AppError(AppErrorCode.CONFLICT, e.message)
    // A writer refusing the timeline (crossfades no editor's track can hold) says why.
    if (e instanceof Error && e.message.startsWith('This sequence cannot be exported')) throw new AppError(AppErrorCode.CONFLICT, e.message)
    throw e
  }
})
