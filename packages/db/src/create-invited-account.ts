import type { TUserRow } from './users'
import type { Sql } from './client'
import { consumeWorkspaceInvite, type ConsumedInvite } from './consume-workspace-invite'
import { insertPasswordAccount, type InsertPasswordAccountOptions } from './insert-password-account'

/** Sign-up through an invite link: the account and its membership are made together, or neither. */
export async function createInvitedAccount(sql: Sql, opts: InsertPasswordAccountOptions & { token: string }): Promise<{ user: TUserRow; joined: ConsumedInvite }> {
  return sql.begin(async (tx) => {
    let user: TUserRow | undefined
    const joined = await consumeWorkspaceInvite(tx, {
      token: opts.token,
      member: async () => (user = await insertPasswordAccount(tx, opts)).id,
    })
    return { user: user!, joined }
  })
}
