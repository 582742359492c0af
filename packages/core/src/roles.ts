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

const GRANTS: Record<TRole, readonly TPermission[]> = {
  owner: ['board.view', 'board.edit', 'generation.start', 'workspace.manage', 'comment.create', 'comment.moderate', 'review.decide', 'variation.approve', 'review.link', 'member.manage', 'job.inspect'],
  producer: ['board.view', 'board.edit', 'generation.start', 'comment.create', 'comment.moderate', 'review.decide', 'variation.approve', 'review.link', 'job.inspect'],
  editor: ['board.view', 'board.edit', 'generation.start', 'comment.create'],
  reviewer: ['board.view', 'comment.create'],
}

export function roleCan(role: TRole, permission: TPermission): boolean {
  return GRANTS[role].includes(permission)
}
