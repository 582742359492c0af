import { NextResponse } from 'next/server'
import { ZSetApprovalThresholdRequest, parseInput } from '@montage/core'
import { getApprovalThreshold, setApprovalThreshold } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string }> }

/** The price above which a job waits for an owner's or producer's approval (null: none waits). */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId } = await params
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'credits.view' })
  return NextResponse.json({ workspaceId, threshold: await getApprovalThreshold(sql, workspaceId) })
})

/** Sets it (`null` removes it): owners and producers. Jobs already started keep what they were started with. */
export const PUT = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId } = await params
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'budget.manage' })
  const { threshold } = parseInput(ZSetApprovalThresholdRequest, await readJson(req))
  await setApprovalThreshold(sql, { workspaceId, threshold })
  return NextResponse.json({ workspaceId, threshold })
})
