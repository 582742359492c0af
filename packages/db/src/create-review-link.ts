import type { TReviewLinkScope } from '@montage/core'
import type { Sql } from './client'
import { REVIEW_LINK_COLUMNS, toReviewLinkRow, type ReviewLinkDbRow, type TReviewLinkRow } from './review-link-row'
import { hashLinkToken, hashPassphrase, newLinkToken } from './review-link-secrets'

export interface CreateReviewLinkOptions {
  boardId: string
  scope: TReviewLinkScope
  shotId?: string | null
  expiresInHours: number
  passphrase?: string | null
  allowDownloads?: boolean
  createdBy: string
}

/** Creates a link and returns its token once; only the token's sha256 is stored. */
export async function createReviewLink(sql: Sql, opts: CreateReviewLinkOptions): Promise<{ link: TReviewLinkRow; token: string }> {
  const token = newLinkToken()
  const passphraseHash = opts.passphrase ? await hashPassphrase(opts.passphrase) : null
  const [row] = await sql<ReviewLinkDbRow[]>`
    INSERT INTO review_links (board_id, scope, shot_id, token_hash, passphrase_hash, expires_at, created_by, allow_downloads)
    VALUES (${opts.boardId}, ${opts.scope}, ${opts.scope === 'shot' ? (opts.shotId ?? null) : null}, ${hashLinkToken(token)},
            ${passphraseHash}, now() + make_interval(hours => ${opts.expiresInHours}), ${opts.createdBy}, ${opts.allowDownloads ?? false})
    RETURNING ${sql.unsafe(REVIEW_LINK_COLUMNS)}`
  return { link: toReviewLinkRow(row!), token }
}
