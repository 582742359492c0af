import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { roleCan } from '@montage/core'
import { getWorkspace, getWorkspaceRole, listWorkspaceInvites, listWorkspaceRoster } from '@montage/db'
import { InvitePanel } from '@/components/members/InvitePanel'
import { PageHeader } from '@/components/PageHeader'
import { StatusPage } from '@/components/StatusPage'
import { colorFor, initials } from '@/lib/client/avatar'
import { db } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { requirePageSession } from '@/lib/server/session'

export const metadata: Metadata = { title: 'Members · Montage' }

type Props = { params: Promise<{ workspaceId: string }> }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Owners: who is in the workspace, with which role, and the invite links that let more people in. */
export default async function MembersPage({ params }: Props) {
  const { user } = await requirePageSession()
  const { workspaceId } = await params
  if (!UUID.test(workspaceId)) notFound()
  const sql = db()
  const role = await getWorkspaceRole(sql, { userId: user.id, workspaceId })
  // A non-member learns nothing about what exists.
  if (!role) notFound()
  if (!roleCan(role, 'member.manage')) {
    return <StatusPage code="403 · Owners only" title="Only owners manage members" message={`You are in this workspace as ${role}. Ask one of its owners to invite people.`} testId="forbidden" />
  }
  const [workspace, roster, invites] = await Promise.all([getWorkspace(sql, workspaceId), listWorkspaceRoster(sql, workspaceId), listWorkspaceInvites(sql, workspaceId)])
  return (
    <div className="page">
      <PageHeader user={user} clerk={webEnv().AUTH_MODE === 'clerk'} />
      <main className="page-main">
        <div className="breadcrumb"><Link href="/">Workspaces</Link> <span>/</span> <span>{workspace?.name}</span></div>
        <h1 style={{ fontSize: 24 }}>Members</h1>
        <p className="muted" style={{ margin: '4px 0 0' }}>Everyone in {workspace?.name} and what their role lets them do.</p>

        <div className="two-col section">
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
                    <div className="row-sub">{m.email ?? 'No email (demo person)'}</div>
                  </div>
                  <span className="pill" data-testid="member-role">{m.role}</span>
                </div>
              ))}
            </div>
          </section>
          <InvitePanel workspaceId={workspaceId} invites={invites} />
        </div>
      </main>
    </div>
  )
}
