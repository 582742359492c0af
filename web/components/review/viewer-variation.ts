import type { TReviewState } from './ReviewStateBadge'

/** A variation as the review viewer shows it, from the board (members) or a review link (guests). */
export interface TViewerVariation {
  id: string
  assetSha256: string
  /** The ≤720p web proxy review plays when the output is larger; absent or '' otherwise. */
  proxySha256?: string
  posterSha256: string
  durationSeconds: number
  reviewState: TReviewState
  label: string
  /** The shot it belongs to (members), for the shot's audit trail. */
  shotId?: string
  /** Its version number in its shot (`v3`); 0 while unnumbered. */
  version: number
  /** Provenance: the references' @tags (members only; a guest's link does not carry them). */
  referenceTags?: string[]
}
