import type { TUserRow } from './users'
import type { Sql } from './client'
import { insertPasswordAccount, type InsertPasswordAccountOptions } from './insert-password-account'

export interface CreateOwnerAccountOptions extends InsertPasswordAccountOptions {
  workspaceName: string
  /** Credits granted to the new workspace. */
  credits: number
  /** Only when the install has no password account yet (the web's first-owner sign-up); the CLI creates owners at any time. */
  onlyIfFirst: boolean
}

/** Any fixed number: serialises first-owner sign-ups, so two people racing on a new install cannot both become owners. */
const FIRST_OWNER_LOCK = 7_302_120

/**
 * An account that owns a new workspace (with starting credits), all in one transaction. With
 * `onlyIfFirst`, null when the install already has a password account (nothing is written).
 */
export async function createOwnerAccount(sql: Sql, opts: CreateOwnerAccountOptions): Promise<{ user: TUserRow; workspaceId: string } | null> {
  return sql.begin(async (tx) => {
    if (opts.onlyIfFirst) {
      await tx`SELECT pg_advisory_xact_lock(${FIRST_OWNER_LOCK})`
      const [any] = await tx`SELECT 1 FROM password_credentials LIMIT 1`
      if (any) return null
    }
    const user = await insertPasswordAccount(tx, opts)
    const [ws] = await tx<{ id: string }[]>`INSERT INTO workspaces (name) VALUES (${opts.workspaceName.slice(0, 80)}) RETURNING id`
    await tx`INSERT INTO memberships (workspace_id, user_id, role) VALUES (${ws!.id}, ${user.id}, 'owner')`
    if (opts.credits > 0) await tx`INSERT INTO credit_ledger (workspace_id, kind, amount, note) VALUES (${ws!.id}, 'grant', ${opts.credits}, 'Welcome credits')`
    return { user, workspaceId: ws!.id }
  })
}
