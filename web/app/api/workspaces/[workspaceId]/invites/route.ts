import { NextResponse } from 'next/server'
import { ZCreateInviteRequest, parseInput } from '@montage/core'
import { createWorkspaceInvite, listWorkspaceInvites } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string }> }

/** The workspace's invite links, ended ones included; tokens are never shown again. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId } = await params
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'member.manage' })
  return NextResponse.json({ invites: await listWorkspaceInvites(sql, workspaceId) })
})

/** Creates an invite link; the answer carries its URL, the only time the token is shown. */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { workspaceId } = await params
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'member.manage' })
  const body = parseInput(ZCreateInviteRequest, await readJson(req))
  const { invite, token } = await createWorkspaceInvite(sql, { workspaceId, ...body, createdBy: user.id })
  return NextResponse.json({ invite, url: `/invite/${token}` }, { status: 201 })
})
