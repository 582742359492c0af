import { AppError, AppErrorCode, ZSignUpRequest, parseInput } from '@montage/core'
import { createInvitedAccount, createOwnerAccount, findWorkspaceInvite, hasPasswordAccounts } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { limitSignInAttempt } from '@/lib/server/rate-limit'
import { db, passwordHasher } from '@/lib/server/context'
import { STARTING_CREDITS, requireLocalAuth, signInResponse } from '@/lib/server/session'

const INVITE_ENDED = { used: 'has already been used', expired: 'has expired', revoked: 'was revoked' } as const

/**
 * Creates a password account and signs it in. With an invite token: the account joins that
 * workspace with the invite's role. Without one: only the first account of a new install, which
 * becomes the owner of a new workspace; after that, accounts come from invite links (or the
 * `npm run owner` CLI).
 */
export const POST = route(async (req) => {
  requireLocalAuth('Sign-up')
  const body = parseInput(ZSignUpRequest, await readJson(req))
  await limitSignInAttempt(req, body.email)
  const sql = db()
  // Cheap refusals first: a request that cannot succeed costs no KDF run.
  if (body.inviteToken) {
    const found = await findWorkspaceInvite(sql, body.inviteToken)
    if (!found) throw new AppError(AppErrorCode.NOT_FOUND, 'inviteToken: this invite link is not valid. Ask for a new one.', { field: 'inviteToken' })
    if (found.invite.state !== 'active') throw new AppError(AppErrorCode.GONE, `inviteToken: this invite ${INVITE_ENDED[found.invite.state]}. Ask for a new one.`, { field: 'inviteToken' })
  } else if (await hasPasswordAccounts(sql)) {
    throw new AppError(AppErrorCode.FORBIDDEN, 'New accounts are created from invite links. Ask a workspace owner to invite you.')
  }
  const passwordHash = await passwordHasher().hash(body.password)
  const account = { name: body.name, email: body.email, passwordHash }
  if (body.inviteToken) {
    const { user, joined } = await createInvitedAccount(sql, { ...account, token: body.inviteToken })
    return signInResponse(req, user, 'password', { user: { id: user.id, name: user.name }, workspace: { id: joined.workspaceId, name: joined.workspaceName, role: joined.role } }, 201)
  }
  const created = await createOwnerAccount(sql, { ...account, workspaceName: `${body.name.slice(0, 60)}'s studio`, credits: STARTING_CREDITS, onlyIfFirst: true })
  // Someone else became the first owner between our check and our transaction.
  if (!created) throw new AppError(AppErrorCode.FORBIDDEN, 'New accounts are created from invite links. Ask a workspace owner to invite you.')
  return signInResponse(req, created.user, 'password', { user: { id: created.user.id, name: created.user.name }, workspace: { id: created.workspaceId, role: 'owner' } }, 201)
})
