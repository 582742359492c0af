'use client'

import Link from 'next/link'
import type { TRole } from '@montage/core'
import { initials } from '@/lib/client/avatar'
import { HistoryMenu } from './HistoryMenu'
import { LibraryToggle } from '@/components/library/LibraryToggle'
import { ShareReviewButton } from '@/components/review/ShareReviewButton'
import { NotificationsBell } from '@/components/feed/NotificationsBell'
import type { TPeer, TSyncStatus } from './useYjsStore'

const SYNC_TEXT: Record<TSyncStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline · reconnecting',
  error: 'Not connected',
}

interface Props {
  boardName: string
  role: TRole
  credits: number | null
  sync: TSyncStatus
  peers: TPeer[]
  user: { id: string; name: string; color: string }
  /** The person whose viewport we follow, if any. */
  followingId?: string | null
  /** Follow a person's viewport (null stops following). */
  onFollow?: (userId: string | null) => void
}

export function TopBar({ boardName, role, credits, sync, peers, user, followingId = null, onFollow }: Props) {
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
        {(role === 'producer' || role === 'owner') && <ShareReviewButton />}
        <LibraryToggle />
        <HistoryMenu />
        <NotificationsBell />
        <span className="m-sync" data-testid="sync-status" data-status={sync} title={SYNC_TEXT[sync]}>
          <span className={`m-sync-dot m-sync-${sync}`} />
          {SYNC_TEXT[sync]}
        </span>
        <span className="m-credits" data-testid="credits" title="Workspace credit balance">
          {credits === null ? '—' : credits} credits
        </span>
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
