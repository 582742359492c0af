'use client'

import { useCallback, useEffect, useState, type ReactNode } from 'react'
import type { TActivityPage, TAuditEntry } from '@montage/core'
import { AuditTimeline } from '@/components/activity/AuditTimeline'
import type { TReviewApi } from './review-client'

interface Props {
  api: Required<Pick<TReviewApi, 'activity'>>
  variationId: string
  shotId?: string
  /** Changes when something on this variation changed (a comment, a decision): the trail reloads. */
  liveKey: string
  tabs: ReactNode
}

type TScope = 'variation' | 'shot'

/** The viewer's Activity tab: this variation's audit trail, or its whole shot's, newest first, paged. */
export function ActivityPanel({ api, variationId, shotId, liveKey, tabs }: Props) {
  const [scope, setScope] = useState<TScope>('variation')
  const [state, setState] = useState<{ items: TAuditEntry[] | null; next: string | null; error: string | null; loadingMore: boolean }>({ items: null, next: null, error: null, loadingMore: false })
  const query = scope === 'shot' && shotId ? { shotId } : { variationId }

  const load = useCallback(
    async (cursor: string | null) => {
      try {
        const page: TActivityPage = await api.activity(scope === 'shot' && shotId ? { shotId } : { variationId }, cursor)
        setState((s) => ({ items: cursor ? [...(s.items ?? []), ...page.items] : page.items, next: page.nextCursor, error: null, loadingMore: false }))
      } catch (e) {
        setState((s) => ({ ...s, error: `The activity could not be loaded: ${e instanceof Error ? e.message : String(e)}`, loadingMore: false }))
      }
    },
    [api, scope, shotId, variationId],
  )

  useEffect(() => {
    void load(null)
  }, [load, liveKey])

  return (
    <aside className="m-review-side" data-testid="activity-panel" data-scope={'shotId' in query ? 'shot' : 'variation'}>
      <div className="m-review-side-head">{tabs}</div>
      {shotId && (
        <div className="m-audit-scope" role="radiogroup" aria-label="Whose activity">
          {(['variation', 'shot'] as const).map((s) => (
            <button key={s} type="button" role="radio" aria-checked={scope === s} className={`m-btn m-btn-sm${scope === s ? '' : ' m-btn-ghost'}`} data-testid={`activity-scope-${s}`} onClick={() => setScope(s)}>
              {s === 'variation' ? 'This variation' : 'Whole shot'}
            </button>
          ))}
        </div>
      )}
      <div className="m-review-threads">
        {state.error && <p className="m-inline-error m-review-empty" role="alert">{state.error}</p>}
        {!state.items && !state.error && <p className="m-hint m-review-empty"><span className="m-spinner" /> Loading activity…</p>}
        {state.items && state.items.length === 0 && <p className="m-hint m-review-empty" data-testid="activity-empty">Nothing has happened here yet.</p>}
        {state.items && state.items.length > 0 && <AuditTimeline entries={state.items} />}
        {state.next && (
          <div className="m-audit-more">
            <button type="button" className="m-btn m-btn-sm" disabled={state.loadingMore} data-testid="activity-more" onClick={() => { setState((s) => ({ ...s, loadingMore: true })); void load(state.next) }}>
              {state.loadingMore ? 'Loading…' : 'Show older'}
            </button>
          </div>
        )}
      </div>
    </aside>
  )
}
