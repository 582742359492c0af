import type { Sql } from './client'
import { consumeWorkspaceInvite, type ConsumedInvite } from './consume-workspace-invite'

/** A signed-in person accepts an invite: they join its workspace with its role, or nothing changes. */
export async function redeemWorkspaceInvite(sql: Sql, opts: { token: string; userId: string }): Promise<ConsumedInvite> {
  return sql.begin((tx) => consumeWorkspaceInvite(tx, { token: opts.token, member: opts.userId }))
}
