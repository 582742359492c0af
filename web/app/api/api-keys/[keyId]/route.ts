import { NextResponse } from 'next/server'
import { z } from 'zod'
import { AppError, AppErrorCode, parseInput } from '@montage/core'
import { getApiKey, revokeApiKey } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ keyId: string }> }

/** Revokes an API key: its next request, and every one after, is 401. */
export const DELETE = route<Ctx>(async (_req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { keyId } = parseInput(z.object({ keyId: z.string().uuid('is not an API key id') }), await params)
  const sql = db()
  const key = await getApiKey(sql, keyId)
  if (!key) throw new AppError(AppErrorCode.NOT_FOUND, 'This API key does not exist.')
  await requireWorkspaceAccess(sql, { workspaceId: key.workspaceId, caller, permission: 'apikey.manage' })
  return NextResponse.json({ apiKey: await revokeApiKey(sql, { keyId, by: user.id }) })
})
