'use client'

/**
 * The review API as the viewer uses it. The board and the guest page talk to different routes
 * (a member's session vs a review link's guest cookie), so the viewer takes one of these.
 */

import type { TActivityPage, TBoardMember, TComment, TCommentRegion, TReviewDecisionKind, TThreadSummary as TCoreThreadSummary } from '@montage/core'
import { requestAllPages } from '@/lib/client/request-all-pages'
import { requestJson } from '@/lib/client/request-json'

export type TRegion = TCommentRegion
export type TReviewComment = TComment
export type TMember = TBoardMember
export type TDecision = TReviewDecisionKind
/** What the board document's `threads` map holds per thread (written by the API). */
export type TThreadSummary = TCoreThreadSummary

export interface TNewComment {
  variationId: string
  body: string
  timeSeconds?: number
  endSeconds?: number
  region?: TRegion
  parentId?: string
}

export interface TReviewApi {
  listComments(variationId: string): Promise<TReviewComment[]>
  createComment(input: TNewComment): Promise<TReviewComment>
  /** Absent for guests: they can't resolve. */
  setResolved?(commentId: string, resolved: boolean): Promise<TReviewComment>
  members?(): Promise<TMember[]>
  /** A note is required to request changes, optional to approve. */
  decide?(variationId: string, decision: TDecision, note?: string): Promise<void>
  /** The audit trail of a variation or of its shot, newest first (members only). */
  activity?(scope: { variationId: string } | { shotId: string }, cursor?: string | null): Promise<TActivityPage>
  /** Where a guest's viewer loads a video or poster from: the link's own route. */
  assetSrc?(sha256: string): string
  /** Members play the board's short-lived signed URLs (useAssetUrl); they have no assetSrc. */
  signed?: boolean
  /** Where the file downloads from, with its Content Credentials; absent when downloads are not allowed (a guest link without them). */
  downloadHref?(sha256: string): string
}

export function memberReviewApi(boardId: string): TReviewApi {
  const base = `/api/boards/${encodeURIComponent(boardId)}`
  return {
    signed: true,
    downloadHref: (sha256) => memberDownloadHref(sha256, boardId),
    listComments: (variationId) => requestAllPages<TReviewComment>(`${base}/comments?variationId=${encodeURIComponent(variationId)}`),
    async createComment(input) {
      const { comment } = await requestJson<{ comment: TReviewComment }>(`${base}/comments`, { body: input })
      return comment
    },
    async setResolved(commentId, resolved) {
      const { comment } = await requestJson<{ comment: TReviewComment }>(`/api/comments/${encodeURIComponent(commentId)}`, { method: 'PATCH', body: { resolved } })
      return comment
    },
    async members() {
      const { members } = await requestJson<{ members: TMember[] }>(`${base}/members`)
      return members
    },
    async decide(variationId, decision, note) {
      await requestJson(`${base}/variations/${encodeURIComponent(variationId)}/decision`, { body: { decision, ...(note ? { note } : {}) } })
    },
    async activity(scope, cursor) {
      const q = new URLSearchParams('variationId' in scope ? { variationId: scope.variationId } : { shotId: scope.shotId })
      if (cursor) q.set('cursor', cursor)
      return requestJson<TActivityPage>(`${base}/activity?${q}`, { cache: 'no-store' })
    },
  }
}

/** A member's download of a file of the board's workspace (the session cookie authorises it). */
export function memberDownloadHref(sha256: string, boardId: string): string {
  return `/api/assets/${sha256}/download?boardId=${encodeURIComponent(boardId)}`
}

export function guestReviewApi(token: string, opts: { allowDownloads?: boolean } = {}): TReviewApi & Required<Pick<TReviewApi, 'assetSrc'>> {
  const base = `/api/r/${encodeURIComponent(token)}`
  return {
    assetSrc: (sha256) => `${base}/assets/${sha256}`,
    ...(opts.allowDownloads ? { downloadHref: (sha256: string) => `${base}/assets/${sha256}/download` } : {}),
    async listComments(variationId) {
      const { comments } = await requestJson<{ comments: TReviewComment[] }>(`${base}/comments?variationId=${encodeURIComponent(variationId)}`)
      // The guest route answers every comment in the link's scope.
      return comments.filter((c) => c.variationId === variationId)
    },
    async createComment(input) {
      const { comment } = await requestJson<{ comment: TReviewComment }>(`${base}/comments`, { body: input })
      return comment
    },
  }
}

export const FPS = 24

/** `1.21 s · f 29`: seconds and the frame number at 24 fps, what reviewers quote to each other. */
export function timecode(seconds: number): string {
  const s = Math.max(0, seconds)
  // A browser reports a frame's start time rounded (1.208333 for 29/24), so allow for it.
  return `${s.toFixed(2)} s · f ${Math.floor(s * FPS + 1e-3)}`
}

export function shortTime(seconds: number): string {
  return `${Math.max(0, seconds).toFixed(2)} s`
}
