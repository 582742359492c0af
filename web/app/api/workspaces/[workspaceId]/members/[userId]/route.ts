import { NextResponse } from 'next/server'
import { isUuid, AppError, AppErrorCode, ZUpdateMemberRequest, parseInput } from '@montage/core'
import { changeMemberRole, removeMember } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { publishMembershipChange } from '@/lib/server/publish-membership-change'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string; userId: string }> }

function memberId(userId: string): string {
  if (!isUuid(userId)) throw new AppError(AppErrorCode.NOT_FOUND, 'This person is not a member of the workspace.')
  return userId
}

/** Owners give a member another role; the last owner cannot be demoted. */
export const PATCH = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId, userId } = await params
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'member.manage' })
  const { role } = parseInput(ZUpdateMemberRequest, await readJson(req))
  const changed = await changeMemberRole(sql, { workspaceId, userId: memberId(userId), role })
  if (changed.previous !== changed.role) await publishMembershipChange({ workspaceId, userId, role })
  return NextResponse.json({ userId, role: changed.role })
})

/** Owners remove a member; any member may remove themselves (leave). The last owner cannot. */
export const DELETE = route<Ctx>(async (_req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { workspaceId, userId } = await params
  const sql = db()
  // Leaving is a person's own act: a key may remove its creator only with the admin scope.
  const leaving = userId === user.id && (!caller.apiKey || caller.apiKey.scopes.includes('admin'))
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: leaving ? 'board.view' : 'member.manage' })
  await removeMember(sql, { workspaceId, userId: memberId(userId) })
  await publishMembershipChange({ workspaceId, userId, role: null })
  return NextResponse.json({ userId, removed: true })
})
