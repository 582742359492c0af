'use client'

export type TReviewState = 'pending' | 'approved' | 'changes_requested'

/** Approved (green ✓) or Changes requested (amber); nothing while pending. */
export function ReviewStateBadge({ state, compact = false }: { state: TReviewState; compact?: boolean }) {
  if (state === 'pending') return null
  const approved = state === 'approved'
  return (
    <span className={`m-review-state m-review-state-${approved ? 'approved' : 'changes'}${compact ? ' m-review-state-compact' : ''}`} data-testid="review-state" data-state={state}>
      {approved ? '✓ Approved' : 'Changes requested'}
    </span>
  )
}
