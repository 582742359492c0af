import { NextResponse } from 'next/server'
import { roleCan } from '@montage/core'
import { getCreditBalance, listMemberships } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireApiSession } from '@/lib/server/session'

export const GET = route(async () => {
  const { user, caller } = await requireApiSession()
  const sql = db()
  // An API key sees only its own workspace, and says which key it is.
  const memberships = (await listMemberships(sql, user.id)).filter((m) => !caller.apiKey || m.workspaceId === caller.apiKey.workspaceId)
  // Reviewers do not see the workspace's balance: null for them.
  const withBalances = await Promise.all(memberships.map(async (m) => ({ ...m, credits: roleCan(m.role, 'credits.view') ? await getCreditBalance(sql, m.workspaceId) : null })))
  return NextResponse.json({ user: { id: user.id, name: user.name, email: user.email }, memberships: withBalances, apiKey: caller.apiKey })
})
