'use client'

import { stopEventPropagation } from 'tldraw'
import { useReview } from './ReviewContext'
import { ReviewStateBadge, type TReviewState } from './ReviewStateBadge'

interface TCardShape {
  id: string
  props: { w: number; h: number; status: string; durationSeconds: number; reviewState: TReviewState }
}

/**
 * What review adds to a variation card: its state (Approved / Changes requested), the open
 * comment count, and pins along the bottom edge of the picture at their times — clicking one
 * opens the viewer on that thread. Live from the board document's `threads` map.
 */
export function VariationReviewBadge({ shape }: { shape: TCardShape }) {
  const { threads, openViewer } = useReview()
  const { h, status, durationSeconds, reviewState } = shape.props
  const mine = threads.filter((t) => t.variationId === shape.id)
  const open = mine.filter((t) => !t.resolved)
  const playable = status === 'succeeded'
  const pct = (t: number) => `${durationSeconds > 0 ? Math.min(100, Math.max(0, (t / durationSeconds) * 100)) : 0}%`

  return (
    <>
      <ReviewStateBadge state={reviewState} compact />
      {mine.length > 0 && (
        <button type="button" className="m-comment-count" data-testid="comment-count" title={`${open.length} open, ${mine.length - open.length} resolved`} onPointerDown={stopEventPropagation} onClick={() => playable && openViewer(shape.id)}>
          <svg width="11" height="11" viewBox="0 0 16 16" aria-hidden><path d="M2 3.5A1.5 1.5 0 0 1 3.5 2h9A1.5 1.5 0 0 1 14 3.5v6a1.5 1.5 0 0 1-1.5 1.5H7l-3 3v-3h-.5A1.5 1.5 0 0 1 2 9.5z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" /></svg>
          {open.length}
        </button>
      )}
      {playable && (
        <button type="button" className="m-card-open" style={{ top: 8 }} title="Open in viewer (double-click or Enter)" data-testid="variation-open" onPointerDown={stopEventPropagation} onClick={() => openViewer(shape.id)}>
          ⤢
        </button>
      )}
      {playable && mine.length > 0 && (
        <div className="m-card-pins" style={{ top: h - 5 }} data-testid="card-pins">
          {mine.filter((t) => t.timeSeconds !== null).map((t) => (
            <button
              key={t.id}
              type="button"
              className={`m-card-pin${t.resolved ? ' m-pin-resolved' : ''}${t.endSeconds !== null ? ' m-card-pin-span' : ''}`}
              style={t.endSeconds !== null && t.timeSeconds !== null ? { left: pct(t.timeSeconds), width: `calc(${pct(t.endSeconds)} - ${pct(t.timeSeconds)})` } : { left: pct(t.timeSeconds ?? 0) }}
              title={`${t.authorName}: ${t.excerpt}`}
              data-testid="card-pin"
              data-thread-id={t.id}
              data-time={t.timeSeconds ?? ''}
              onPointerDown={stopEventPropagation}
              onClick={() => openViewer(shape.id, { threadId: t.id, time: t.timeSeconds })}
            />
          ))}
        </div>
      )}
    </>
  )
}
