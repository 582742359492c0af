import { AUDIT_CSV_HEADER, ZWorkspaceActivityQuery, ZWorkspaceParams, auditCsvFields, csvLine, parseInput } from '@montage/core'
import { getWorkspace } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { listAuditTrail, toAuditEntries, type TVariationName } from '@/lib/server/audit-trail'
import { db } from '@/lib/server/context'
import { logger } from '@/lib/server/logger'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string }> }
/** The export reads the trail in chunks of this many rows, and stops at EXPORT_MAX_ROWS. */
const CHUNK = 500
const EXPORT_MAX_ROWS = 100_000

/**
 * `GET /api/workspaces/:workspaceId/activity/export?board=&person=&kind=`: the filtered trail as
 * CSV, newest first, streamed chunk by chunk; the same rows and words as the activity page.
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId } = parseInput(ZWorkspaceParams, await params)
  const q = parseInput(ZWorkspaceActivityQuery.omit({ cursor: true, limit: true }), Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'board.view' })
  const workspace = await getWorkspace(sql, workspaceId)
  const slug = (workspace?.name ?? 'workspace').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workspace'
  const filename = `${slug}-activity-${new Date().toISOString().slice(0, 10)}.csv`
  const encoder = new TextEncoder()
  const names = new Map<string, Promise<Map<string, TVariationName>>>()
  let after: { at: string; id: string } | null = null
  let sent = 0
  let headerSent = false
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!headerSent) {
          headerSent = true
          controller.enqueue(encoder.encode(csvLine(AUDIT_CSV_HEADER)))
          return
        }
        const rows = await listAuditTrail(sql, { workspaceId, boardId: q.board, personId: q.person, kind: q.kind, after, limit: CHUNK })
        const kept = rows.slice(0, Math.min(CHUNK, EXPORT_MAX_ROWS - sent))
        const entries = await toAuditEntries(sql, kept, names)
        if (entries.length > 0) controller.enqueue(encoder.encode(entries.map((e) => csvLine(auditCsvFields(e))).join('')))
        sent += kept.length
        if (rows.length <= CHUNK || sent >= EXPORT_MAX_ROWS) controller.close()
        else after = { at: kept[kept.length - 1]!.pageAt, id: kept[kept.length - 1]!.id }
      } catch (e) {
        logger().error({ err: e, workspaceId }, 'activity export failed')
        controller.error(e)
      }
    },
  })
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    },
  })
})
