import { randomUUID } from 'node:crypto'
import type postgres from 'postgres'
import { AppError, AppErrorCode } from '@montage/core'
import type { TUserRow } from './users'

export interface InsertPasswordAccountOptions {
  name: string
  /** Already trimmed and lower-cased (`ZEmail`). */
  email: string
  /** From `hashPassword` (@montage/auth): never a plain password. */
  passwordHash: string
}

/** Inside a transaction: a new user who signs in with email and password. A taken email is a 409 naming the field. */
export async function insertPasswordAccount(tx: postgres.TransactionSql, opts: InsertPasswordAccountOptions): Promise<TUserRow> {
  // A savepoint, so a taken email leaves the caller's transaction usable for its own error handling.
  return tx.savepoint(async (sp) => {
    try {
      const [user] = await sp<TUserRow[]>`
        INSERT INTO users (auth_subject, name, email) VALUES (${`local:${randomUUID()}`}, ${opts.name}, ${opts.email})
        RETURNING id, auth_subject AS "authSubject", name, email`
      await sp`INSERT INTO password_credentials (user_id, email, password_hash) VALUES (${user!.id}, ${opts.email}, ${opts.passwordHash})`
      return user!
    } catch (e) {
      if ((e as { code?: string; constraint_name?: string }).code === '23505' && (e as { constraint_name?: string }).constraint_name === 'password_credentials_email_key') {
        throw new AppError(AppErrorCode.CONFLICT, 'email: an account with this email already exists. Sign in instead.', { field: 'email' })
      }
      throw e
    }
  })
}
