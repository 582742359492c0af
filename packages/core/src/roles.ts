import { z } from 'zod'

export const ZRole = z.enum(['owner', 'producer', 'editor', 'reviewer'])
export type TRole = z.infer<typeof ZRole>

export type TPermission =
  | 'board.view'
  | 'board.edit'
  | 'generation.start'
  | 'workspace.manage'
  /** Comment on a variation; every member may, reviewers included. */
  | 'comment.create'
  /** Resolve or reopen anyone's comment (authors may always resolve their own). */
  | 'comment.moderate'
  /** Approve a variation or request changes; recorded in the audit table. */
  | 'review.decide'
  /** The same grant as `review.decide` (the name the client used first). */
  | 'variation.approve'
  /** Create, list and revoke review links for guests. */
  | 'review.link'
  /** See the members, and invite people by link (create, list and revoke invites). */
  | 'member.manage'
  /** Open a job's workflow in the Temporal UI (a failed card's "Workflow" link): for whoever runs the jobs. */
  | 'job.inspect'
  /** Subscribe URLs to the workspace's events, pause, delete and replay their deliveries. */
  | 'webhook.manage'
  /** Create, list and revoke the workspace's API keys (a key is shown once, at creation). */
  | 'apikey.manage'
  /** Rename, duplicate, archive and restore boards. */
  | 'board.manage'
  /** Delete a board for good (its document, generations and comments go with it). */
  | 'board.delete'
  /** See the workspace's credit balance, its ledger and where the credits went. */
  | 'credits.view'
  /** Set a board's credit budget and the workspace's approval threshold. */
  | 'budget.manage'
  /** Approve or refuse a job waiting above the approval threshold. */
  | 'job.approve'

const GRANTS: Record<TRole, readonly TPermission[]> = {
  owner: ['board.view', 'board.edit', 'generation.start', 'workspace.manage', 'comment.create', 'comment.moderate', 'review.decide', 'variation.approve', 'review.link', 'member.manage', 'job.inspect', 'webhook.manage', 'apikey.manage', 'board.manage', 'board.delete', 'credits.view', 'budget.manage', 'job.approve'],
  producer: ['board.view', 'board.edit', 'generation.start', 'comment.create', 'comment.moderate', 'review.decide', 'variation.approve', 'review.link', 'job.inspect', 'webhook.manage', 'apikey.manage', 'board.manage', 'credits.view', 'budget.manage', 'job.approve'],
  editor: ['board.view', 'board.edit', 'generation.start', 'comment.create', 'credits.view'],
  reviewer: ['board.view', 'comment.create'],
}

export function roleCan(role: TRole, permission: TPermission): boolean {
  return GRANTS[role].includes(permission)
}
