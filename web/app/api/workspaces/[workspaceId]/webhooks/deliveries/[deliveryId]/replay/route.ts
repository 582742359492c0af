import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, webhookRetryFromEnv } from '@montage/core'
import { replayWebhookDelivery } from '@montage/db'
import { startWebhookDeliveries } from '@montage/workflows/client'
import { route } from '@/lib/server/api-error'
import { db, temporalClient } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { parseWebhookPathId } from '@/lib/server/require-webhook-endpoint-id'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string; deliveryId: string }> }

/** Sends a delivery's payload again as a new delivery (same event id, new delivery id and signature). */
export const POST = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId, deliveryId } = await params
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'webhook.manage' })
  const id = await replayWebhookDelivery(sql, { workspaceId, deliveryId: parseWebhookPathId(deliveryId, 'webhook delivery') })
  if (!id) throw new AppError(AppErrorCode.NOT_FOUND, 'No such webhook delivery.')
  const env = webEnv()
  await startWebhookDeliveries({ client: await temporalClient(), db: sql, taskQueuePrefix: env.TASK_QUEUE_PREFIX, deliveryIds: [id], retry: webhookRetryFromEnv(env) })
  return NextResponse.json({ deliveryId: id }, { status: 202 })
})
