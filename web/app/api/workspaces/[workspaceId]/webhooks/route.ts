import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZCreateWebhookEndpointRequest, parseInput } from '@montage/core'
import { webhookUrlProblem } from '@montage/core/webhooks'
import { createWebhookEndpoint, listWebhookEndpoints } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string }> }

/** The workspace's webhook endpoints; their secrets are never shown again. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId } = await params
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'webhook.manage' })
  return NextResponse.json({ endpoints: await listWebhookEndpoints(sql, workspaceId) })
})

/** Subscribes a URL to events; the answer carries the signing secret, the only time it is shown. */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { workspaceId } = await params
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'webhook.manage' })
  const body = parseInput(ZCreateWebhookEndpointRequest, await readJson(req))
  const problem = await webhookUrlProblem(body.url, { allowPrivate: webEnv().MONTAGE_WEBHOOKS_ALLOW_PRIVATE })
  if (problem) throw new AppError(AppErrorCode.BAD_REQUEST, problem, { field: 'url' })
  const { endpoint, secret } = await createWebhookEndpoint(sql, { workspaceId, url: body.url, description: body.description || null, events: body.events, createdBy: user.id })
  return NextResponse.json({ endpoint, secret }, { status: 201 })
})
