import { AUDIT_KIND_TEXT, versionLabel, type TAuditEntry } from '@montage/core'
import './activity.css'

const ICON: Record<TAuditEntry['kind'], string> = { generation: '◆', edit: '✎', comment: '“', approved: '✓', changes_requested: '↺' }

export function auditWhen(iso: string): string {
  return new Date(iso).toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' })
}

/** `v2 · edit of v1 · 'Harbour at dawn'`: which variation, by the names people use. */
export function entrySubject(e: TAuditEntry): string {
  const parts = [versionLabel(e.version)]
  if (e.kind === 'edit' && e.parentVersion !== null) parts.push(`edit of v${e.parentVersion}`)
  if (e.shotTitle) parts.push(`'${e.shotTitle}'`)
  return parts.join(' · ')
}

/**
 * The audit trail as a timeline, newest first: what was done, to which version of which shot, by
 * whom in which role, and when; the prompt, comment or note underneath. `showBoard` adds the
 * board's name (the workspace view spans boards).
 */
export function AuditTimeline({ entries, showBoard = false }: { entries: TAuditEntry[]; showBoard?: boolean }) {
  return (
    <ol className="m-audit" data-testid="audit-timeline">
      {entries.map((e) => (
        <li key={`${e.kind}:${e.id}`} className={`m-audit-row m-audit-${e.kind}`} data-testid="audit-row" data-kind={e.kind} data-variation-id={e.variationId}>
          <span className="m-audit-icon" aria-hidden>{ICON[e.kind]}</span>
          <div className="m-audit-main">
            <div className="m-audit-line">
              <span className="m-audit-what" data-testid="audit-what">{AUDIT_KIND_TEXT[e.kind]}</span>
              <span className="m-audit-subject" data-testid="audit-subject">{entrySubject(e)}</span>
              {showBoard && <span className="m-audit-board" data-testid="audit-board">{e.board.name}</span>}
            </div>
            <div className="m-audit-meta">
              <span className="m-audit-who" data-testid="audit-who">{e.actor.name}</span>
              {e.actor.role && <span className="m-audit-role" data-testid="audit-role">{e.actor.role}</span>}
              {e.model && <span className="m-audit-model">{e.model}</span>}
              <time className="m-audit-when" dateTime={e.at} title={e.at}>{auditWhen(e.at)} UTC</time>
            </div>
            {e.detail && <p className="m-audit-detail" data-testid="audit-detail">{e.detail}</p>}
          </div>
        </li>
      ))}
    </ol>
  )
}
