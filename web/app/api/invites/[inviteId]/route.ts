import { NextResponse } from 'next/server'
import { AppError, AppErrorCode } from '@montage/core'
import { getWorkspaceInvite, revokeWorkspaceInvite } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ inviteId: string }> }

/** Revokes an invite link: from now on it lets nobody in. */
export const DELETE = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { inviteId } = await params
  const sql = db()
  const invite = await getWorkspaceInvite(sql, inviteId)
  if (!invite) throw new AppError(AppErrorCode.NOT_FOUND, 'This invite does not exist.')
  await requireWorkspaceAccess(sql, { workspaceId: invite.workspaceId, caller, permission: 'member.manage' })
  return NextResponse.json({ invite: await revokeWorkspaceInvite(sql, inviteId) })
})
