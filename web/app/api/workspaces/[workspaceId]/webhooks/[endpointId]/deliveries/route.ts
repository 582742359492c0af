import { NextResponse } from 'next/server'
import { listWebhookDeliveries } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { parseWebhookPathId } from '@/lib/server/require-webhook-endpoint-id'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string; endpointId: string }> }

/** An endpoint's latest 50 deliveries, newest first, each with its attempts and their answers. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId, endpointId } = await params
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'webhook.manage' })
  return NextResponse.json({ deliveries: await listWebhookDeliveries(sql, { workspaceId, endpointId: parseWebhookPathId(endpointId, 'webhook endpoint') }) })
})
