import type { Metadata } from 'next'
import Link from 'next/link'
import { AUDIT_KINDS, AUDIT_KIND_TEXT, ZWorkspaceActivityQuery, isAppError, parseInput, type TWorkspaceActivityQuery } from '@montage/core'
import { getWorkspace, listArchivedBoards, listBoards, listWorkspaceRoster } from '@montage/db'
import { AuditTimeline } from '@/components/activity/AuditTimeline'
import { PageHeader } from '@/components/PageHeader'
import { listAuditTrail, toAuditEntries } from '@/lib/server/audit-trail'
import { webEnv } from '@/lib/server/env'
import { decodeCursor, toPage } from '@/lib/server/pagination'
import { requireWorkspacePage } from '@/lib/server/require-workspace-page'
import '@/components/activity/activity.css'

export const metadata: Metadata = { title: 'Activity · Montage' }

type Props = { params: Promise<{ workspaceId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }

const PAGE = 25

/** The filters from the address; bad ones are named and left out rather than failing the page. */
function readFilters(raw: Record<string, string | string[] | undefined>): { q: TWorkspaceActivityQuery; problem: string | null } {
  const given = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''))
  try {
    const q = parseInput(ZWorkspaceActivityQuery, { limit: String(PAGE), ...given })
    decodeCursor(q.cursor)
    return { q, problem: null }
  } catch (e) {
    return { q: { limit: PAGE }, problem: isAppError(e) ? e.message : 'These filters could not be read.' }
  }
}

function href(workspaceId: string, path: string, q: Partial<TWorkspaceActivityQuery>): string {
  const p = new URLSearchParams()
  for (const k of ['board', 'person', 'kind', 'cursor'] as const) if (q[k]) p.set(k, q[k]!)
  const s = p.toString()
  return `/workspaces/${workspaceId}${path}${s ? `?${s}` : ''}`
}

/**
 * The workspace's audit trail: every generation, edit, comment and decision on its boards, with
 * who did it in which role and when, filtered by board, person and kind, paged, and exported as
 * CSV with the same filters. Every member may read it, reviewers included.
 */
export default async function ActivityPage({ params, searchParams }: Props) {
  const { workspaceId } = await params
  const { user, sql } = await requireWorkspacePage(workspaceId)
  const { q, problem } = readFilters(await searchParams)
  const [workspace, boards, archived, people, rows] = await Promise.all([
    getWorkspace(sql, workspaceId),
    listBoards(sql, workspaceId),
    listArchivedBoards(sql, workspaceId),
    listWorkspaceRoster(sql, workspaceId),
    listAuditTrail(sql, { workspaceId, boardId: q.board, personId: q.person, kind: q.kind, after: decodeCursor(q.cursor), limit: q.limit }),
  ])
  const page = toPage(rows, q.limit, (r) => ({ at: r.pageAt, id: r.id }), (r) => r)
  const entries = await toAuditEntries(sql, page.items)
  const filters = { board: q.board, person: q.person, kind: q.kind }
  const filtered = !!(q.board || q.person || q.kind)
  const exportHref = href(workspaceId, '', filters).replace(`/workspaces/${workspaceId}`, `/api/workspaces/${workspaceId}/activity/export`)

  return (
    <div className="page">
      <PageHeader user={user} clerk={webEnv().AUTH_MODE === 'clerk'} />
      <main className="page-main">
        <div className="breadcrumb"><Link href="/">Workspaces</Link> <span>/</span> <span>{workspace?.name}</span></div>
        <div className="section-head" style={{ marginTop: 0 }}>
          <div>
            <h1 style={{ fontSize: 24 }}>Activity</h1>
            <p className="muted" style={{ margin: '4px 0 0' }}>Who generated, edited, commented and decided on what in {workspace?.name}, newest first.</p>
          </div>
          <a className="btn" href={exportHref} download data-testid="activity-export">Export CSV</a>
        </div>

        <form className="panel panel-body section activity-filters" method="get" data-testid="activity-filters">
          <div>
            <label className="label" htmlFor="f-board">Board</label>
            <select id="f-board" name="board" className="select" defaultValue={q.board ?? ''}>
              <option value="">All boards</option>
              {boards.map((b) => <option key={b.id} value={b.id}>{b.name}</option>)}
              {archived.map((b) => <option key={b.id} value={b.id}>{b.name} (archived)</option>)}
            </select>
          </div>
          <div>
            <label className="label" htmlFor="f-person">Person</label>
            <select id="f-person" name="person" className="select" defaultValue={q.person ?? ''}>
              <option value="">Everyone</option>
              {people.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
          </div>
          <div>
            <label className="label" htmlFor="f-kind">What</label>
            <select id="f-kind" name="kind" className="select" defaultValue={q.kind ?? ''}>
              <option value="">Everything</option>
              {AUDIT_KINDS.map((k) => <option key={k} value={k}>{AUDIT_KIND_TEXT[k]}</option>)}
            </select>
          </div>
          <div className="inline-form">
            <button className="btn btn-primary" type="submit" data-testid="activity-apply">Apply</button>
            {filtered && <Link className="btn btn-ghost" href={`/workspaces/${workspaceId}/activity`}>Clear</Link>}
          </div>
          {problem && <p className="error-text" role="alert" style={{ gridColumn: '1 / -1', margin: 0 }} data-testid="activity-filter-error">{problem}</p>}
        </form>

        <section className="panel section activity-panel" data-testid="activity">
          <div className="panel-head">
            <h2>Trail</h2>
            <span className="muted" style={{ fontSize: 12 }}>{q.cursor ? 'older entries' : 'latest first'} · times in UTC</span>
          </div>
          {entries.length === 0 ? (
            <div className="row-empty" data-testid="activity-empty">{filtered ? 'Nothing matches these filters.' : 'Nothing has happened in this workspace yet.'}</div>
          ) : (
            <AuditTimeline entries={entries} showBoard={!q.board} />
          )}
          {(q.cursor || page.nextCursor) && (
            <nav className="activity-pager" aria-label="Pages">
              {q.cursor ? <Link className="btn btn-ghost" href={href(workspaceId, '/activity', filters)} data-testid="activity-newest">← Newest</Link> : <span />}
              {page.nextCursor && <Link className="btn" href={href(workspaceId, '/activity', { ...filters, cursor: page.nextCursor })} data-testid="activity-older">Older →</Link>}
            </nav>
          )}
        </section>
      </main>
    </div>
  )
}
