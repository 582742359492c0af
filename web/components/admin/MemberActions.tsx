'use client'

import { useState } from 'react'
import { useRouter } from 'next/navigation'
import type { TRole } from '@montage/core'
import { requestJson } from '@/lib/client/request-json'
import { ConfirmDialog } from './ConfirmDialog'
import './admin.css'

const ROLES: TRole[] = ['owner', 'producer', 'editor', 'reviewer']

export interface MemberActionsProps {
  workspaceId: string
  member: { id: string; name: string; role: TRole }
  /** This row is the signed-in owner: no Remove (they leave with the page's Leave workspace). */
  isSelf: boolean
}

/** An owner's controls on one member row: change the role, remove them (not on their own row). */
export function MemberActions({ workspaceId, member, isSelf }: MemberActionsProps) {
  const router = useRouter()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const url = `/api/workspaces/${workspaceId}/members/${member.id}`

  async function changeRole(role: TRole) {
    setBusy(true)
    setError(null)
    try {
      await requestJson(url, { method: 'PATCH', body: { role } })
      router.refresh()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="member-actions">
      {error && <span className="error-text" role="alert" data-testid="member-error" style={{ fontSize: 12, maxWidth: 260 }}>{error}</span>}
      <select className="select" aria-label={`Role of ${member.name}`} value={member.role} disabled={busy} onChange={(e) => void changeRole(e.target.value as TRole)} data-testid="member-role-select">
        {ROLES.map((r) => <option key={r} value={r}>{r[0]!.toUpperCase() + r.slice(1)}</option>)}
      </select>
      {isSelf
        ? <span className="member-remove-spacer" aria-hidden="true" />
        : (
          <button type="button" className="btn btn-danger-ghost btn-sm" aria-label={`Remove ${member.name}`} onClick={() => { setError(null); setConfirming(true) }} data-testid="member-remove">
            Remove
          </button>
        )}
      {confirming && (
        <ConfirmDialog
          title={`Remove ${member.name}?`}
          confirmLabel="Remove"
          danger
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await requestJson(url, { method: 'DELETE' })
            router.refresh()
          }}
        >
          <p>{member.name} loses access to every board at once; an open board closes in their browser. What they made stays.</p>
        </ConfirmDialog>
      )}
    </div>
  )
}
