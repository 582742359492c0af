import { NextResponse } from 'next/server'
import { ZNotificationPreferences, parseInput } from '@montage/core'
import { getEmailPreference, setEmailPreference } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requirePersonSession } from '@/lib/server/session'

/** `GET /api/me/notifications` → `{ email }`: which notifications the signed-in person gets by email. */
export const GET = route(async () => {
  const { user } = await requirePersonSession('change notification preferences')
  return NextResponse.json({ email: await getEmailPreference(db(), user.id) })
})

/** `PUT /api/me/notifications` `{ email: 'off' | 'mentions' | 'all' }`. */
export const PUT = route(async (req) => {
  const { user } = await requirePersonSession('change notification preferences')
  const body = parseInput(ZNotificationPreferences, await readJson(req))
  return NextResponse.json({ email: await setEmailPreference(db(), { userId: user.id, email: body.email }) })
})
