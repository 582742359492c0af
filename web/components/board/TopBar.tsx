'use client'

import Link from 'next/link'
import { roleCan, type TRole } from '@montage/core'
import { initials } from '@/lib/client/avatar'
import { HistoryMenu } from './HistoryMenu'
import { LibraryToggle } from '@/components/library/LibraryToggle'
import { ShareReviewButton } from '@/components/review/ShareReviewButton'
import { NotificationsBell } from '@/components/feed/NotificationsBell'
import { SearchBox } from '@/components/search/SearchBox'
import { FocusFromUrl } from '@/components/search/FocusFromUrl'
import type { TPeer, TSyncStatus } from './useYjsStore'

const SYNC_TEXT: Record<TSyncStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline · reconnecting',
  error: 'Not connected',
}

interface Props {
  boardName: string
  workspaceId: string
  role: TRole
  credits: number | null
  /** The board's budget (null: none set, or not the caller's to see). */
  budget?: TBoardBudgetView | null
  sync: TSyncStatus
  peers: TPeer[]
  user: { id: string; name: string; color: string }
  /** The person whose viewport we follow, if any. */
  followingId?: string | null
  /** Follow a person's viewport (null stops following). */
  onFollow?: (userId: string | null) => void
}

/** A board's budget as `GET /api/boards/:id/budget` answers it. */
export interface TBoardBudgetView {
  budget: number | null
  spent: number
  remaining: number | null
  warning: boolean
}

/** Under the top bar from 80% of the board's budget: what is left, and that jobs over it are refused. */
export function BudgetBanner({ budget, workspaceId, canManage }: { budget: TBoardBudgetView | null; workspaceId: string; canManage: boolean }) {
  if (!budget || budget.budget === null || !budget.warning) return null
  const stop = budget.remaining === 0
  const pct = Math.floor((budget.spent / budget.budget) * 100)
  return (
    <div className={`m-budget-banner${stop ? ' m-budget-stop' : ''}`} role="status" data-testid="budget-banner">
      <span>
        {stop
          ? `This board has spent its whole ${budget.budget}-credit budget; new jobs are refused.`
          : `This board has used ${pct}% of its ${budget.budget}-credit budget: ${budget.remaining} credit${budget.remaining === 1 ? '' : 's'} left. Jobs costing more are refused.`}
      </span>
      {canManage && <Link href={`/workspaces/${workspaceId}/credits`}>Change budget</Link>}
    </div>
  )
}

export function TopBar({ boardName, workspaceId, role, credits, budget = null, sync, peers, user, followingId = null, onFollow }: Props) {
  return (
    <header className="m-topbar">
      <div className="m-topbar-left">
        <Link href="/" className="logo" title="All workspaces">
          <span className="logo-mark" /> Montage
        </Link>
        <span className="m-topbar-sep">/</span>
        <span className="m-board-name" data-testid="board-name">{boardName}</span>
        {role === 'reviewer' && <span className="pill">View only</span>}
      </div>
      <div className="m-topbar-right">
        <SearchBox />
        <FocusFromUrl />
        {(role === 'producer' || role === 'owner') && <ShareReviewButton />}
        <LibraryToggle />
        <HistoryMenu />
        <NotificationsBell />
        <span className="m-sync" data-testid="sync-status" data-status={sync} title={SYNC_TEXT[sync]}>
          <span className={`m-sync-dot m-sync-${sync}`} />
          {SYNC_TEXT[sync]}
        </span>
        {roleCan(role, 'credits.view') && (
          <Link href={`/workspaces/${workspaceId}/credits`} className="m-credits" data-testid="credits" title="Workspace credit balance: where the credits went">
            {credits === null ? '—' : credits} credits
          </Link>
        )}
        {budget && budget.budget !== null && (
          <Link
            href={`/workspaces/${workspaceId}/credits`}
            className={`m-credits${budget.remaining === 0 ? ' m-credits-stop' : budget.warning ? ' m-credits-warn' : ''}`}
            data-testid="board-budget"
            data-warning={budget.warning ? 'true' : 'false'}
            title={`This board has spent ${budget.spent} of its ${budget.budget}-credit budget`}
          >
            Board {budget.spent} / {budget.budget}
          </Link>
        )}
        {peers.length > 0 && (
          <span className="m-peers" data-testid="peers">
            {peers.slice(0, 5).map((p) => (
              <button
                key={p.id}
                type="button"
                className={`avatar m-peer${followingId === p.id ? ' m-peer-following' : ''}`}
                style={{ background: p.color }}
                title={followingId === p.id ? `Following ${p.name} · click to stop` : `${p.name} · click to follow`}
                data-testid="peer"
                data-user-id={p.id}
                data-following={followingId === p.id ? 'true' : 'false'}
                onClick={() => onFollow?.(followingId === p.id ? null : p.id)}
              >
                {initials(p.name)}
              </button>
            ))}
            {peers.length > 5 && <span className="avatar m-peer m-peer-more">+{peers.length - 5}</span>}
          </span>
        )}
        <span className="m-me">
          <span className="avatar" style={{ background: user.color, width: 24, height: 24, fontSize: 11 }}>{initials(user.name)}</span>
          <span data-testid="user-name">{user.name}</span>
        </span>
      </div>
    </header>
  )
}
