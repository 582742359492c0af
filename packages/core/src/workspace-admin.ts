import { z } from 'zod'
import { ZRole } from './roles'

/** Owners change a member's role (PATCH /api/workspaces/:id/members/:userId). */
export const ZUpdateMemberRequest = z.object({ role: ZRole }).strict()
export type TUpdateMemberRequest = z.infer<typeof ZUpdateMemberRequest>

/**
 * Published on core NATS when a member's role changes or they leave; every collab-server closes
 * that person's sockets on the workspace's boards (a removed member at once, a changed role so the
 * client reconnects under the new one). `role` is the new role, null when they left.
 */
export const ZMembershipChangedMessage = z.object({ workspaceId: z.string().uuid(), userId: z.string().uuid(), role: ZRole.nullable() }).strict()
export type TMembershipChangedMessage = z.infer<typeof ZMembershipChangedMessage>

const ZBoardName = z.string().trim().min(1, 'Name the board').max(120, 'A board name has at most 120 characters')

/** PATCH /api/boards/:id: rename, archive (`archived: true`) or restore (`archived: false`); at least one of them. */
export const ZUpdateBoardRequest = z
  .object({ name: ZBoardName.optional(), archived: z.boolean().optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.archived !== undefined, { message: 'Send a new name or archived: true/false' })
export type TUpdateBoardRequest = z.infer<typeof ZUpdateBoardRequest>

/** POST /api/boards/:id/duplicate: the copy's name ("<name> (copy)" when left out). */
export const ZDuplicateBoardRequest = z.object({ name: ZBoardName.optional() }).strict()

/**
 * DELETE /api/boards/:id: the board's name typed back, as the confirmation dialog asks, so a
 * stray request (or a click on the wrong card) cannot delete a board.
 */
export const ZDeleteBoardRequest = z.object({ confirmName: z.string().max(200) }).strict()

const ZIsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date as YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'Not a real date')

/** Filters of the credits page and GET /api/workspaces/:id/credits (query string; all optional). */
export const ZCreditsQuery = z
  .object({
    board: z.string().uuid('board must be a board id').optional(),
    person: z.string().uuid('person must be a user id').optional(),
    model: z.string().min(1).max(80).optional(),
    /** First day included (UTC). */
    from: ZIsoDay.optional(),
    /** Last day included (UTC). */
    to: ZIsoDay.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
export type TCreditsQuery = z.infer<typeof ZCreditsQuery>

export type TCreditEntryKind = 'grant' | 'reserve' | 'settle' | 'release'

/** One ledger row as the credits page shows it; spend rows name the generation's board, person and model. */
export interface TCreditEntry {
  id: string
  kind: TCreditEntryKind
  /** Signed: grants add, reservations and settlements subtract, releases give back. */
  amount: number
  note: string | null
  createdAt: string
  generationId: string | null
  board: { id: string; name: string } | null
  person: { id: string; name: string } | null
  model: string | null
}

export interface TCreditSpendGroup {
  key: string
  label: string
  credits: number
}

/** What the credits page shows: balance, the filtered ledger, and spend grouped four ways. */
export interface TCreditsReport {
  balance: number
  entries: TCreditEntry[]
  /** Net credits spent by generations within the filters (reserve + settle + release). */
  spent: number
  byBoard: TCreditSpendGroup[]
  byPerson: TCreditSpendGroup[]
  byModel: TCreditSpendGroup[]
  /** Spend per UTC day, oldest first, days without spend included. */
  byDay: { day: string; credits: number }[]
  /** What the filter menus offer: every board, person and model that ever spent here. */
  options: { boards: { id: string; name: string }[]; people: { id: string; name: string }[]; models: string[] }
}


const ZCredits = z.number().int('must be a whole number of credits')

/** PUT /api/boards/:id/budget: the board's credit budget, or null to remove it. */
export const ZSetBoardBudgetRequest = z.object({ budget: ZCredits.min(1, 'A budget is at least 1 credit').max(100_000_000, 'A budget is at most 100,000,000 credits').nullable() }).strict()

/** PUT /api/workspaces/:id/approval-threshold: a job priced above it waits for approval; null: none waits. */
export const ZSetApprovalThresholdRequest = z.object({ threshold: ZCredits.min(0, 'The threshold cannot be negative').max(100_000_000, 'A threshold is at most 100,000,000 credits').nullable() }).strict()

/** POST /api/generations/:id/approval: an owner's or producer's decision on a job waiting above the threshold. */
export const ZApprovalDecisionRequest = z.object({ decision: z.enum(['approve', 'refuse']) }).strict()

/** A board's budget as `GET|PUT /api/boards/:id/budget` answer it; `warning` once the spend reaches 80% of it. */
export const ZBoardBudgetView = z.object({
  boardId: z.string(),
  boardName: z.string(),
  budget: z.number().nullable(),
  spent: z.number(),
  remaining: z.number().nullable(),
  warning: z.boolean(),
})
export type TBoardBudgetView = z.infer<typeof ZBoardBudgetView>

/** `GET|PUT /api/workspaces/:id/approval-threshold`'s answer. */
export const ZApprovalThresholdView = z.object({ workspaceId: z.string(), threshold: z.number().nullable() })

/** `POST /api/generations/:id/approval`'s answer: the decision recorded and the job's price. */
export const ZApprovalDecisionView = z.object({
  generationId: z.string(),
  approval: z.enum(['approved', 'refused']),
  approvalBy: z.object({ id: z.string(), name: z.string() }),
  credits: z.number(),
})
