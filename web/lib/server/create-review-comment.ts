import { AppError, AppErrorCode, parseMentions, type TComment, type TCreateCommentRequest, type TWebhookEvent } from '@montage/core'
import { createComment, getVariationClip, listCommentAudience, listWorkspaceMembers, recordWebhookEvent, type Sql, type TBoardRow } from '@montage/db'
import { startRecordedDeliveries } from './emit-webhook-event'
import { emailNotice, noticePath } from './notify-email'
import { publishFeed } from './publish-feed'
import { publishThread } from './publish-thread'
import { storedBoardScope, type StoredBoardScope } from './stored-board-scope'

export interface CreateReviewCommentOptions {
  board: TBoardRow
  body: TCreateCommentRequest
  author: { id: string; name: string } | { guestName: string; reviewLinkId: string }
  /** A guest's link scope; members may comment on any variation of the board. */
  guestScope?: StoredBoardScope
  /** A guest's comment: the link's quota of guest comments. */
  maxGuestCommentsPerLink?: number
}

/**
 * Checks a comment against the clip it is pinned to, stores it and updates the live board. Every
 * check runs before the insert, so a refused comment stores nothing.
 */
export async function createReviewComment(sql: Sql, opts: CreateReviewCommentOptions): Promise<TComment> {
  const { board, body } = opts
  if (opts.guestScope && !opts.guestScope.variationIds.has(body.variationId)) {
    throw new AppError(AppErrorCode.NOT_FOUND, 'variationId: no such variation in this review', { field: 'variationId' })
  }
  const clip = await getVariationClip(sql, { boardId: board.id, variationId: body.variationId })
  let duration = clip?.durationSeconds ?? null
  if (!clip || duration === null) {
    // Not (yet) a finished generation: the stored board knows the variation and its length.
    const stored = opts.guestScope ?? (await storedBoardScope(sql, { boardId: board.id, scope: 'board', shotId: null }))
    if (!clip && !stored.variationIds.has(body.variationId)) {
      throw new AppError(AppErrorCode.BAD_REQUEST, 'variationId: no such variation on this board', { field: 'variationId' })
    }
    duration = stored.durations.get(body.variationId) ?? null
  }
  if (duration !== null && duration > 0) {
    if (body.timeSeconds !== undefined && body.timeSeconds > duration) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `timeSeconds: the clip is ${duration} s long`, { field: 'timeSeconds' })
    }
    if (body.endSeconds !== undefined && body.endSeconds > duration) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `endSeconds: the clip is ${duration} s long`, { field: 'endSeconds' })
    }
  }
  const members = await listWorkspaceMembers(sql, board.workspaceId)
  // The webhook deliveries are stored with the comment: a crash after it cannot lose them.
  let deliveryIds: string[] = []
  const comment = await createComment(sql, {
    boardId: board.id,
    variationId: body.variationId,
    parentId: body.parentId ?? null,
    author: opts.author,
    body: body.body,
    mentions: parseMentions(body.body, members),
    timeSeconds: body.timeSeconds ?? null,
    endSeconds: body.endSeconds ?? null,
    region: body.region ?? null,
    maxGuestCommentsPerLink: opts.maxGuestCommentsPerLink,
    alsoStore: async (tx, stored) => {
      deliveryIds = await recordWebhookEvent(tx, commentCreatedEvent(board.workspaceId, stored))
    },
  })
  if (!comment) throw new AppError(AppErrorCode.BAD_REQUEST, 'parentId: no such comment on this variation', { field: 'parentId' })
  await publishThread(sql, { boardId: board.id, rootId: comment.parentId ?? comment.id })
  const threadId = comment.parentId ?? comment.id
  const excerpt = comment.body.replace(/\s+/g, ' ').slice(0, 140)
  const actor = { id: comment.author.id, name: comment.author.name }
  const where = { boardId: board.id, shapeId: comment.variationId, threadId, timeSeconds: comment.timeSeconds ?? null }
  // Nobody is told about their own comment; the people it mentions hear of it as a mention.
  const mentioned = comment.mentions.filter((id) => id !== comment.author.id)
  const audience = (await listCommentAudience(sql, { boardId: board.id, variationId: comment.variationId, threadId })).filter(
    (id) => id !== comment.author.id && !mentioned.includes(id),
  )
  if (mentioned.length > 0) {
    await publishFeed({
      id: `mention:${comment.id}`,
      type: 'mention',
      workspaceId: board.workspaceId,
      boardId: board.id,
      at: comment.createdAt,
      actor,
      recipients: mentioned,
      commentId: comment.id,
      variationId: comment.variationId,
      excerpt,
      threadId,
      timeSeconds: comment.timeSeconds ?? null,
    })
  }
  if (audience.length > 0) {
    await publishFeed({
      id: `comment:${comment.id}`,
      type: 'comment',
      workspaceId: board.workspaceId,
      boardId: board.id,
      at: comment.createdAt,
      actor,
      recipients: audience,
      commentId: comment.id,
      threadId,
      variationId: comment.variationId,
      timeSeconds: comment.timeSeconds ?? null,
      excerpt,
      reply: comment.parentId !== null,
    })
  }
  const at = comment.timeSeconds !== null && comment.timeSeconds !== undefined ? ` at ${comment.timeSeconds.toFixed(1)} s` : ''
  void (async () => {
    await emailNotice(sql, { workspaceId: board.workspaceId, kind: 'mention', recipients: mentioned, subject: `${actor.name} mentioned you on ${board.name}`, text: `${actor.name} mentioned you in a comment${at}:\n\n“${comment.body}”`, path: noticePath(where) })
    await emailNotice(sql, { workspaceId: board.workspaceId, kind: 'comment', recipients: audience, subject: `${actor.name} commented on ${board.name}`, text: `${actor.name} ${comment.parentId ? 'replied in a thread you are in' : 'commented on your shot'}${at}:\n\n“${comment.body}”`, path: noticePath(where) })
  })()
  await startRecordedDeliveries(sql, `comment.created:${comment.id}`, deliveryIds)
  return comment
}

function commentCreatedEvent(workspaceId: string, comment: TComment): TWebhookEvent {
  return {
    id: `comment.created:${comment.id}`,
    type: 'comment.created',
    workspaceId,
    createdAt: comment.createdAt,
    data: {
      commentId: comment.id,
      boardId: comment.boardId,
      variationId: comment.variationId,
      parentId: comment.parentId,
      author: comment.author,
      body: comment.body,
      timeSeconds: comment.timeSeconds ?? null,
    },
  }
}
