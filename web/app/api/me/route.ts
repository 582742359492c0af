import { NextResponse } from 'next/server'
import { getCreditBalance, listMemberships } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireApiSession } from '@/lib/server/session'

export const GET = route(async () => {
  const { user } = await requireApiSession()
  const sql = db()
  const memberships = await listMemberships(sql, user.id)
  const withBalances = await Promise.all(memberships.map(async (m) => ({ ...m, credits: await getCreditBalance(sql, m.workspaceId) })))
  return NextResponse.json({ user: { id: user.id, name: user.name, email: user.email }, memberships: withBalances })
})
