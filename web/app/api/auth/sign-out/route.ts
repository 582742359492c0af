import { NextResponse } from 'next/server'
import { route } from '@/lib/server/api-error'
import { LOCAL_SESSION_COOKIE } from '@/lib/server/session'

export const POST = route(async () => {
  const res = NextResponse.json({ ok: true })
  res.cookies.set(LOCAL_SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 0 })
  return res
})
