import type { Metadata } from 'next'
import Link from 'next/link'
import { roleCan } from '@montage/core'
import { getWorkspace, listWorkspaceInvites, listWorkspaceRoster } from '@montage/db'
import { LeaveWorkspace } from '@/components/admin/LeaveWorkspace'
import { MemberActions } from '@/components/admin/MemberActions'
import { InvitePanel } from '@/components/members/InvitePanel'
import { PageHeader } from '@/components/PageHeader'
import { colorFor, initials } from '@/lib/client/avatar'
import { webEnv } from '@/lib/server/env'
import { requireWorkspacePage } from '@/lib/server/require-workspace-page'

export const metadata: Metadata = { title: 'Members · Montage' }

type Props = { params: Promise<{ workspaceId: string }> }

/**
 * Who is in the workspace and with which role. Owners change roles, remove people and make invite
 * links here; every member sees the list (names and roles) and may leave, except the last owner.
 */
export default async function MembersPage({ params }: Props) {
  const { workspaceId } = await params
  const { user, role, sql } = await requireWorkspacePage(workspaceId)
  const manages = roleCan(role, 'member.manage')
  const [workspace, roster, invites] = await Promise.all([getWorkspace(sql, workspaceId), listWorkspaceRoster(sql, workspaceId), manages ? listWorkspaceInvites(sql, workspaceId) : Promise.resolve(null)])
  const lastOwner = role === 'owner' && roster.filter((m) => m.role === 'owner').length === 1
  return (
    <div className="page">
      <PageHeader user={user} clerk={webEnv().AUTH_MODE === 'clerk'} />
      <main className="page-main">
        <div className="breadcrumb"><Link href="/">Workspaces</Link> <span>/</span> <span>{workspace?.name}</span></div>
        <h1 style={{ fontSize: 24 }}>Members</h1>
        <p className="muted" style={{ margin: '4px 0 0' }}>Everyone in {workspace?.name} and what their role lets them do.</p>

        <div className={manages ? 'two-col section' : 'section'}>
          <section className="panel" data-testid="member-list">
            <div className="panel-head">
              <h2>People</h2>
              <span className="pill">{roster.length}</span>
            </div>
            <div className="rows">
              {roster.map((m) => (
                <div className="row" key={m.id} data-testid="member-row">
                  <span className="avatar" style={{ background: colorFor(m.id) }}>{initials(m.name)}</span>
                  <div className="row-main">
                    <div className="row-title">{m.name}{m.id === user.id && <span className="muted"> (you)</span>}</div>
                    {manages && <div className="row-sub">{m.email ?? 'No email (demo person)'}</div>}
                  </div>
                  {manages
                    ? <MemberActions workspaceId={workspaceId} member={{ id: m.id, name: m.name, role: m.role }} isSelf={m.id === user.id} />
                    : <span className="pill" data-testid="member-role">{m.role}</span>}
                </div>
              ))}
            </div>
          </section>
          {invites && <InvitePanel workspaceId={workspaceId} invites={invites} />}
        </div>
        <LeaveWorkspace workspaceId={workspaceId} workspaceName={workspace?.name ?? 'this workspace'} userId={user.id} lastOwner={lastOwner} />
      </main>
    </div>
  )
}
