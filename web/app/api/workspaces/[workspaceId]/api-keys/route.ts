import { NextResponse } from 'next/server'
import { z } from 'zod'
import { ZCreateApiKeyRequest, parseInput } from '@montage/core'
import { createApiKey, listApiKeys } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string }> }
const ZParams = z.object({ workspaceId: z.string().uuid('is not a workspace id') })

/** The workspace's API keys, revoked ones included; secrets are never shown again. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId } = parseInput(ZParams, await params)
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'apikey.manage' })
  return NextResponse.json({ apiKeys: await listApiKeys(sql, workspaceId) })
})

/**
 * Creates a key acting as the caller in this workspace, within the scopes asked; the answer
 * carries the key itself (`mtg_…`), the only time it is shown.
 */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { workspaceId } = parseInput(ZParams, await params)
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'apikey.manage' })
  const body = parseInput(ZCreateApiKeyRequest, await readJson(req))
  const { key, secret } = await createApiKey(sql, { workspaceId, name: body.name, scopes: body.scopes, createdBy: user.id })
  return NextResponse.json({ apiKey: key, secret }, { status: 201 })
})
