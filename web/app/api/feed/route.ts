import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, parseInput, ZFeedQuery, type TFeedItem, type TFeedResponse } from '@montage/core'
import { readWorkspaceFeed } from '@montage/board'
import { getFeedReadSeq, getWorkspace, listWorkspaceMembers } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db, jetstream } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

/**
 * `GET /api/feed?workspaceId=…` → `{ items, unread }`, newest first: mentions of the caller, comments
 * on their shots and threads, new
 * variations and approvals in the workspace. Unread: entries after the caller's read marker that
 * someone else caused.
 */
export const GET = route(async (req) => {
  const { user, caller } = await requireApiSession()
  const query = parseInput(ZFeedQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId: query.workspaceId, caller, permission: 'board.view' })
  let events
  try {
    events = await readWorkspaceFeed(await jetstream(), query.workspaceId)
  } catch (e) {
    throw new AppError(AppErrorCode.UNAVAILABLE, 'The feed is unavailable right now; try again shortly.', { cause: e })
  }
  const readSeq = await getFeedReadSeq(sql, { userId: user.id, workspaceId: query.workspaceId })
  const names = new Map((await listWorkspaceMembers(sql, query.workspaceId)).map((m) => [m.id, m.name]))
  const since = (await getWorkspace(sql, query.workspaceId))!.createdAt.toISOString()
  const visible: TFeedItem[] = events
    // Events from before the workspace existed, or by people who are not (or no longer) in it, are
    // not this workspace's news (a recreated database reuses ids; a removed member's news is stale).
    .filter((e) => e.at >= since && (e.actor.id === null || names.has(e.actor.id)))
    .filter((e) => !('recipients' in e) || e.recipients.includes(user.id))
    .map((e) => ({ ...e, actor: { ...e.actor, name: e.actor.name || (e.actor.id ? (names.get(e.actor.id) ?? '') : '') }, unread: e.seq > readSeq && e.actor.id !== user.id }))
  const body: TFeedResponse = { items: visible.reverse().slice(0, query.limit), unread: visible.filter((e) => e.unread).length }
  return NextResponse.json(body)
})
