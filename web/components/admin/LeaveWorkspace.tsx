'use client'

import { useState } from 'react'
import { useRouter } from 'next/navigation'
import { requestJson } from '@/lib/client/request-json'
import { ConfirmDialog } from './ConfirmDialog'
import './admin.css'

export interface LeaveWorkspaceProps {
  workspaceId: string
  workspaceName: string
  userId: string
  /** The signed-in person is the workspace's only owner: leaving would leave it without one. */
  lastOwner: boolean
}

/**
 * Any member's way out of a workspace, after a confirmation. The last owner's button stays off and
 * says why (the API refuses them too).
 */
export function LeaveWorkspace({ workspaceId, workspaceName, userId, lastOwner }: LeaveWorkspaceProps) {
  const router = useRouter()
  const [confirming, setConfirming] = useState(false)
  return (
    <section className="panel leave-panel" data-testid="leave-workspace" aria-labelledby="leave-title">
      <div className="leave-text">
        <h2 id="leave-title">Leave workspace</h2>
        <p className="muted" id="leave-why" data-testid="leave-why">
          {lastOwner
            ? 'You are its last owner, so you cannot leave: make someone else an owner first.'
            : `You lose access to ${workspaceName}'s boards at once. An owner can invite you back.`}
        </p>
      </div>
      <button type="button" className="btn btn-danger-ghost" disabled={lastOwner} aria-describedby="leave-why" onClick={() => setConfirming(true)} data-testid="leave-button">
        Leave workspace
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Leave ${workspaceName}?`}
          confirmLabel="Leave workspace"
          danger
          testId="leave-dialog"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await requestJson(`/api/workspaces/${workspaceId}/members/${userId}`, { method: 'DELETE' })
            router.push('/')
            router.refresh()
          }}
        >
          <p>You lose access to its boards at once, and an open board closes in your other tabs. What you made stays. An owner can invite you back.</p>
        </ConfirmDialog>
      )}
    </section>
  )
}
