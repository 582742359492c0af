import { NextResponse } from 'next/server'
import { ZAcceptInviteRequest, parseInput } from '@montage/core'
import { redeemWorkspaceInvite } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { limitSignInAttempt } from '@/lib/server/rate-limit'
import { db } from '@/lib/server/context'
import { requirePersonSession } from '@/lib/server/session'

/** A signed-in person accepts an invite link (the token travels in the body, not the URL): they join with its role. */
export const POST = route(async (req) => {
  const { user } = await requirePersonSession('accept an invite')
  const { token } = parseInput(ZAcceptInviteRequest, await readJson(req))
  // Invite tokens are guessed like passwords: counted with sign-in attempts from this address.
  await limitSignInAttempt(req, null)
  const joined = await redeemWorkspaceInvite(db(), { token, userId: user.id })
  return NextResponse.json({ workspace: { id: joined.workspaceId, name: joined.workspaceName }, role: joined.role })
})
