import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZUpdateWebhookEndpointRequest, parseInput } from '@montage/core'
import { deleteWebhookEndpoint, setWebhookEndpointPaused } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { parseWebhookPathId } from '@/lib/server/require-webhook-endpoint-id'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string; endpointId: string }> }

/** Pauses (`{ paused: true }`) or resumes an endpoint: a paused one has its deliveries recorded as skipped. */
export const PATCH = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId, endpointId } = await params
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'webhook.manage' })
  const body = parseInput(ZUpdateWebhookEndpointRequest, await readJson(req))
  const endpoint = await setWebhookEndpointPaused(sql, { workspaceId, endpointId: parseWebhookPathId(endpointId, 'webhook endpoint'), paused: body.paused })
  if (!endpoint) throw new AppError(AppErrorCode.NOT_FOUND, 'No such webhook endpoint.')
  return NextResponse.json({ endpoint })
})

/** Deletes an endpoint with its deliveries; a delivery being retried finds it gone and stops. */
export const DELETE = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId, endpointId } = await params
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'webhook.manage' })
  if (!(await deleteWebhookEndpoint(sql, { workspaceId, endpointId: parseWebhookPathId(endpointId, 'webhook endpoint') }))) {
    throw new AppError(AppErrorCode.NOT_FOUND, 'No such webhook endpoint.')
  }
  return NextResponse.json({ deleted: true })
})
