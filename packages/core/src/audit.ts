import { z } from 'zod'
import { ZShapeId } from './generation'

/**
 * The audit trail: who generated, edited, commented on and decided about which variation, in
 * which role, and when. Read from the records themselves (generations, comments, decisions), so
 * nothing can act without leaving a row.
 */
export const AUDIT_KINDS = ['generation', 'edit', 'comment', 'approved', 'changes_requested'] as const
export const ZAuditKind = z.enum(AUDIT_KINDS)
export type TAuditKind = z.infer<typeof ZAuditKind>

export const AUDIT_KIND_TEXT: Record<TAuditKind, string> = {
  generation: 'Generated',
  edit: 'Edited',
  comment: 'Commented',
  approved: 'Approved',
  changes_requested: 'Requested changes',
}

/** The role a person acted in (recorded when they acted); `guest` for a review link's guest. */
export const ZAuditRole = z.enum(['owner', 'producer', 'editor', 'reviewer', 'guest'])
export type TAuditRole = z.infer<typeof ZAuditRole>

/** One row of the trail as the API answers it (`GET /api/workspaces/:id/activity`, `GET /api/boards/:id/activity`). */
export const ZAuditEntry = z.object({
  /** The row's id in its own table (generation, comment or decision). */
  id: z.string(),
  kind: ZAuditKind,
  at: z.string(),
  board: z.object({ id: z.string(), name: z.string() }),
  /** null for a comment or decision on a variation no generation made (an upload). */
  shotId: z.string().nullable(),
  variationId: z.string(),
  /** For an edit: the variation it was made from. */
  parentVariationId: z.string().nullable(),
  actor: z.object({ id: z.string().nullable(), name: z.string(), role: ZAuditRole.nullable() }),
  model: z.string().nullable(),
  /** The prompt of a generation, an edit's instruction, a comment's body, a decision's note. */
  detail: z.string(),
  /** Named from the board as stored (filled by the web): the shot's title and the version numbers. */
  shotTitle: z.string().nullable(),
  version: z.number().nullable(),
  parentVersion: z.number().nullable(),
})
export type TAuditEntry = z.infer<typeof ZAuditEntry>

/** `v3`, or `a variation` while its number is unknown (not yet on the stored board). */
export function versionLabel(version: number | null): string {
  return version === null ? 'a variation' : `v${version}`
}

/** `v3 of 'Harbour at dawn'`: how notifications and the trail name a variation. */
export function variationSubject(s: { version: number | null; shotTitle: string | null }): string {
  const title = s.shotTitle?.trim()
  return title ? `${versionLabel(s.version)} of '${title}'` : versionLabel(s.version)
}

const ZCursor = z.string().max(200)
const ZLimit = z.coerce.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100').default(50)

/** `GET /api/workspaces/:id/activity` (and its CSV export): filters by board, person and kind. */
export const ZWorkspaceActivityQuery = z
  .object({
    board: z.string().uuid('board must be a board id').optional(),
    person: z.string().uuid('person must be a user id').optional(),
    kind: ZAuditKind.optional(),
    cursor: ZCursor.optional(),
    limit: ZLimit,
  })
  .strict()
export type TWorkspaceActivityQuery = z.infer<typeof ZWorkspaceActivityQuery>

/** `GET /api/boards/:id/activity`: one variation's trail, or one shot's. */
export const ZBoardActivityQuery = z
  .object({
    variationId: ZShapeId.optional(),
    shotId: ZShapeId.optional(),
    kind: ZAuditKind.optional(),
    cursor: ZCursor.optional(),
    limit: ZLimit,
  })
  .strict()
export type TBoardActivityQuery = z.infer<typeof ZBoardActivityQuery>

/** A page of the trail, newest first (`nextCursor` null on the last page). */
export const ZActivityPage = z.object({ items: z.array(ZAuditEntry), nextCursor: z.string().nullable() })
export type TActivityPage = z.infer<typeof ZActivityPage>

/** The columns of the CSV export, in order; the rows say what the timeline says. */
export const AUDIT_CSV_HEADER = ['When (UTC)', 'Board', 'Shot', 'Version', 'What', 'Person', 'Role', 'Model', 'Details'] as const

export function auditCsvFields(e: TAuditEntry): string[] {
  const version = e.kind === 'edit' && e.parentVersion !== null ? `${versionLabel(e.version)} (edit of v${e.parentVersion})` : versionLabel(e.version)
  return [e.at, e.board.name, e.shotTitle ?? '', version, AUDIT_KIND_TEXT[e.kind], e.actor.name, e.actor.role ?? '', e.model ?? '', e.detail]
}

/**
 * One CSV field: always quoted (inner quotes doubled), so commas and line breaks stay inside it;
 * a value a spreadsheet would run as a formula (`= + - @`, or a leading tab or return) is
 * prefixed with `'` so it reads as text.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return `"${safe.replace(/"/g, '""')}"`
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`
}
