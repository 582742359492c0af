import type { TReviewLink, TReviewLinkScope } from '@montage/core'

export const REVIEW_LINK_COLUMNS = 'id, board_id, scope, shot_id, passphrase_hash, expires_at, revoked_at, created_at, allow_downloads'

export interface ReviewLinkDbRow {
  id: string
  board_id: string
  scope: TReviewLinkScope
  shot_id: string | null
  passphrase_hash: string | null
  expires_at: Date
  revoked_at: Date | null
  created_at: Date
  allow_downloads: boolean
}

export interface TReviewLinkRow extends TReviewLink {
  boardId: string
  passphraseHash: string | null
}

export function toReviewLinkRow(r: ReviewLinkDbRow): TReviewLinkRow {
  return {
    id: r.id,
    boardId: r.board_id,
    scope: r.scope,
    shotId: r.shot_id,
    expiresAt: r.expires_at.toISOString(),
    hasPassphrase: r.passphrase_hash !== null,
    passphraseHash: r.passphrase_hash,
    revokedAt: r.revoked_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    allowDownloads: r.allow_downloads,
  }
}

/** The public face of a link: never its hashes. */
export function publicReviewLink(l: TReviewLinkRow): TReviewLink {
  return { id: l.id, scope: l.scope, shotId: l.shotId, expiresAt: l.expiresAt, hasPassphrase: l.hasPassphrase, revokedAt: l.revokedAt, createdAt: l.createdAt, allowDownloads: l.allowDownloads }
}
