import type { Metadata } from 'next'
import Link from 'next/link'
import { roleCan } from '@montage/core'
import { getWorkspace, listApiKeys, listWebhookEndpoints } from '@montage/db'
import { ApiKeysPanel } from '@/components/settings/ApiKeysPanel'
import { PageHeader } from '@/components/PageHeader'
import { StatusPage } from '@/components/StatusPage'
import { WebhooksSection } from '@/components/settings/WebhooksSection'
import { webEnv } from '@/lib/server/env'
import { requireWorkspacePage } from '@/lib/server/require-workspace-page'

export const metadata: Metadata = { title: 'Settings · Montage' }

type Props = { params: Promise<{ workspaceId: string }> }

/** Owners and producers: how the workspace connects to tools outside Montage (API keys, webhooks). */
export default async function SettingsPage({ params }: Props) {
  const { workspaceId } = await params
  const { user, role, sql } = await requireWorkspacePage(workspaceId)
  if (!roleCan(role, 'apikey.manage') || !roleCan(role, 'webhook.manage')) {
    return <StatusPage code="403 · Owners and producers" title="Only owners and producers change settings" message={`You are in this workspace as ${role}. Ask an owner or a producer.`} testId="forbidden" />
  }
  const [workspace, apiKeys, endpoints] = await Promise.all([getWorkspace(sql, workspaceId), listApiKeys(sql, workspaceId), listWebhookEndpoints(sql, workspaceId)])
  return (
    <div className="page">
      <PageHeader user={user} clerk={webEnv().AUTH_MODE === 'clerk'} />
      <main className="page-main">
        <div className="breadcrumb"><Link href="/">Workspaces</Link> <span>/</span> <span>{workspace?.name}</span></div>
        <h1 style={{ fontSize: 24 }}>Settings</h1>
        <p className="muted" style={{ margin: '4px 0 0' }}>How scripts and other tools reach {workspace?.name}, and what it tells them.</p>
        <div className="section" style={{ maxWidth: 760 }}>
          <ApiKeysPanel workspaceId={workspaceId} apiKeys={apiKeys} />
        </div>
        <WebhooksSection workspaceId={workspaceId} endpoints={endpoints} />
      </main>
    </div>
  )
}
