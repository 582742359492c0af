import Link from 'next/link'
import { roleCan } from '@montage/core'
import { getCreditBalance, listArchivedBoards, listBoards, listMemberships } from '@montage/db'
import { ArchivedBoards } from '@/components/admin/ArchivedBoards'
import { BoardMenu } from '@/components/admin/BoardMenu'
import { NewBoardForm } from '@/components/NewBoardForm'
import { PageHeader } from '@/components/PageHeader'
import { db } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { requirePageSession } from '@/lib/server/session'

function relative(date: Date): string {
  const s = Math.round((Date.now() - date.getTime()) / 1000)
  if (s < 60) return 'just now'
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`
  return date.toLocaleDateString('en', { month: 'short', day: 'numeric', year: 'numeric' })
}

export default async function HomePage() {
  const { user } = await requirePageSession()
  const sql = db()
  const memberships = await listMemberships(sql, user.id)
  const workspaces = await Promise.all(
    memberships.map(async (m) => ({
      ...m,
      // Reviewers do not see the workspace's money.
      credits: roleCan(m.role, 'credits.view') ? await getCreditBalance(sql, m.workspaceId) : null,
      boards: await listBoards(sql, m.workspaceId),
      archived: roleCan(m.role, 'board.manage') ? await listArchivedBoards(sql, m.workspaceId) : [],
    })),
  )

  return (
    <div className="page">
      <PageHeader user={user} clerk={webEnv().AUTH_MODE === 'clerk'} />
      <main className="page-main">
        <h1 style={{ fontSize: 24 }}>Workspaces</h1>
        <p className="muted" style={{ margin: '4px 0 0' }}>Boards hold your references, shots and the variations generated from them.</p>

        {workspaces.length === 0 && (
          <div className="empty section">
            <strong>You are not in any workspace yet</strong>
            Ask a workspace owner to invite you.
          </div>
        )}

        {workspaces.map((w) => (
          <section key={w.workspaceId} className="section" data-testid="workspace">
            <div className="section-head">
              <div style={{ display: 'flex', alignItems: 'center', gap: 8, minWidth: 0 }}>
                <h2>{w.workspaceName}</h2>
                <span className="pill">{w.role}</span>
                {w.credits !== null && (
                  <Link href={`/workspaces/${w.workspaceId}/credits`} className="pill pill-accent" title="Where the credits went" data-testid="credits">{w.credits} credits</Link>
                )}
              </div>
              <div className="inline-form">
                <Link href={`/workspaces/${w.workspaceId}/activity`} className="btn" data-testid="open-activity">Activity</Link>
                {roleCan(w.role, 'credits.view') && (
                  <Link href={`/workspaces/${w.workspaceId}/credits`} className="btn" data-testid="open-credits">Credits</Link>
                )}
                <Link href={`/workspaces/${w.workspaceId}/members`} className="btn" data-testid="manage-members">Members</Link>
                {(roleCan(w.role, 'apikey.manage') || roleCan(w.role, 'webhook.manage')) && (
                  <Link href={`/workspaces/${w.workspaceId}/settings`} className="btn" data-testid="workspace-settings">Settings</Link>
                )}
                {roleCan(w.role, 'board.edit') && <NewBoardForm workspaceId={w.workspaceId} />}
              </div>
            </div>
            {w.boards.length === 0 ? (
              <div className="empty">
                <strong>No boards yet</strong>
                {roleCan(w.role, 'board.edit') ? 'Create a board to start gathering references and shots.' : 'Boards will show up here once your team creates them.'}
              </div>
            ) : (
              <div className="board-grid">
                {w.boards.map((b) => (
                  <div key={b.id} className="board-tile">
                    <Link href={`/boards/${b.id}`} className="board-card" data-testid="board-card">
                      <div className="board-thumb" />
                      <div className="board-meta">
                        <div className="name">{b.name}</div>
                        <div className="when">Updated {relative(new Date(b.updatedAt))}</div>
                      </div>
                    </Link>
                    {roleCan(w.role, 'board.manage') && <BoardMenu board={{ id: b.id, name: b.name }} canDelete={roleCan(w.role, 'board.delete')} />}
                  </div>
                ))}
              </div>
            )}
            <ArchivedBoards boards={w.archived.map((b) => ({ id: b.id, name: b.name, archivedAt: b.archivedAt.toISOString() }))} canDelete={roleCan(w.role, 'board.delete')} />
          </section>
        ))}
      </main>
    </div>
  )
}
