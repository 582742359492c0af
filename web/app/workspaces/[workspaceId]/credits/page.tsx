import type { Metadata } from 'next'
import Link from 'next/link'
import { ZCreditsQuery, isAppError, modelLabel, parseInput, roleCan, type TCreditEntry, type TCreditSpendGroup, type TCreditsQuery } from '@montage/core'
import { getApprovalThreshold, getCreditsReport, getWorkspace, listBoardBudgets } from '@montage/db'
import { BudgetsPanel } from '@/components/admin/BudgetsPanel'
import { SpendChart } from '@/components/admin/SpendChart'
import { PageHeader } from '@/components/PageHeader'
import { StatusPage } from '@/components/StatusPage'
import { webEnv } from '@/lib/server/env'
import { requireWorkspacePage } from '@/lib/server/require-workspace-page'
import '@/components/admin/admin.css'

export const metadata: Metadata = { title: 'Credits · Montage' }

type Props = { params: Promise<{ workspaceId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }

const KIND_TEXT: Record<TCreditEntry['kind'], string> = { grant: 'Granted', reserve: 'Reserved', settle: 'Settled', release: 'Released' }

function when(iso: string): string {
  return new Date(iso).toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' })
}

/** The filters from the address; bad ones are named and left out rather than failing the page. */
function readFilters(raw: Record<string, string | string[] | undefined>): { filters: TCreditsQuery; problem: string | null } {
  const given = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''))
  try {
    return { filters: parseInput(ZCreditsQuery, given), problem: null }
  } catch (e) {
    return { filters: {}, problem: isAppError(e) ? e.message : 'These filters could not be read.' }
  }
}

function SpendList({ title, groups, testId, total }: { title: string; groups: TCreditSpendGroup[]; testId: string; total: number }) {
  return (
    <section className="panel" data-testid={testId}>
      <div className="panel-head"><h2>{title}</h2></div>
      {groups.length === 0 ? (
        <div className="row-empty">Nothing spent.</div>
      ) : (
        <div>
          {groups.slice(0, 8).map((g) => (
            <div className="spend-row" key={g.key || g.label} data-testid="spend-row">
              <div className="spend-head"><span>{g.label}</span><span className="num">{g.credits}</span></div>
              <div className="spend-bar" aria-hidden><span style={{ width: `${total > 0 ? Math.max(2, Math.round((Math.max(0, g.credits) / total) * 100)) : 0}%` }} /></div>
            </div>
          ))}
        </div>
      )}
    </section>
  )
}

/** Where the credits went: balance, spend by board, person and model over time, and the ledger; not for reviewers. */
export default async function CreditsPage({ params, searchParams }: Props) {
  const { workspaceId } = await params
  const { user, role, sql } = await requireWorkspacePage(workspaceId)
  if (!roleCan(role, 'credits.view')) {
    return <StatusPage code="403 · Not for reviewers" title="Credits are not shown to reviewers" message={`You are in this workspace as ${role}. Ask an owner if you need to know the balance.`} testId="forbidden" />
  }
  const { filters, problem } = readFilters(await searchParams)
  const [workspace, report, budgets, threshold] = await Promise.all([getWorkspace(sql, workspaceId), getCreditsReport(sql, { workspaceId, filters }), listBoardBudgets(sql, { workspaceId }), getApprovalThreshold(sql, workspaceId)])
  const filtered = Object.keys(filters).length > 0
  const spendTotal = Math.max(0, ...report.byBoard.map((g) => g.credits))

  return (
    <div className="page">
      <PageHeader user={user} clerk={webEnv().AUTH_MODE === 'clerk'} />
      <main className="page-main">
        <div className="breadcrumb"><Link href="/">Workspaces</Link> <span>/</span> <span>{workspace?.name}</span></div>
        <h1 style={{ fontSize: 24 }}>Credits</h1>
        <p className="muted" style={{ margin: '4px 0 0' }}>What {workspace?.name} has left, and where the credits went.</p>

        <div className="credits-stats section">
          <div className="panel stat" data-testid="credits-balance"><div className="stat-label">Balance</div><div className="stat-value">{report.balance}</div></div>
          <div className="panel stat" data-testid="credits-spent"><div className="stat-label">Spent{filtered ? ' (filtered)' : ''}</div><div className="stat-value">{report.spent}</div></div>
          <div className="panel stat"><div className="stat-label">Ledger rows shown</div><div className="stat-value">{report.entries.length}</div></div>
        </div>

        <BudgetsPanel workspaceId={workspaceId} threshold={threshold} boards={budgets} canManage={roleCan(role, 'budget.manage')} />

        <form className="panel panel-body section credits-filters" method="get" data-testid="credits-filters">
          <div>
            <label className="label" htmlFor="f-board">Board</label>
            <select id="f-board" name="board" className="select" defaultValue={filters.board ?? ''}>
              <option value="">All boards</option>
              {report.options.boards.map((b) => <option key={b.id} value={b.id}>{b.name}</option>)}
            </select>
          </div>
          <div>
            <label className="label" htmlFor="f-person">Person</label>
            <select id="f-person" name="person" className="select" defaultValue={filters.person ?? ''}>
              <option value="">Everyone</option>
              {report.options.people.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
          </div>
          <div>
            <label className="label" htmlFor="f-model">Model</label>
            <select id="f-model" name="model" className="select" defaultValue={filters.model ?? ''}>
              <option value="">All models</option>
              {report.options.models.map((m) => <option key={m} value={m}>{modelLabel(m)}</option>)}
            </select>
          </div>
          <div>
            <label className="label" htmlFor="f-from">From</label>
            <input id="f-from" name="from" type="date" className="input" defaultValue={filters.from ?? ''} />
          </div>
          <div>
            <label className="label" htmlFor="f-to">To</label>
            <input id="f-to" name="to" type="date" className="input" defaultValue={filters.to ?? ''} />
          </div>
          <div className="inline-form">
            <button className="btn btn-primary" type="submit" data-testid="credits-apply">Apply</button>
            {filtered && <Link className="btn btn-ghost" href={`/workspaces/${workspaceId}/credits`}>Clear</Link>}
          </div>
          {problem && <p className="error-text" role="alert" style={{ gridColumn: '1 / -1', margin: 0 }} data-testid="credits-filter-error">{problem}</p>}
        </form>

        <section className="panel section" data-testid="credits-chart">
          <div className="panel-head"><h2>Spend over time</h2><span className="muted" style={{ fontSize: 12 }}>credits per day (UTC)</span></div>
          <div className="panel-body">
            {report.byDay.every((d) => d.credits === 0) ? <div className="row-empty">No credits spent in this range.</div> : <SpendChart days={report.byDay} />}
          </div>
        </section>

        <div className="spend-grid section">
          <SpendList title="By board" groups={report.byBoard} total={spendTotal} testId="spend-by-board" />
          <SpendList title="By person" groups={report.byPerson} total={Math.max(0, ...report.byPerson.map((g) => g.credits))} testId="spend-by-person" />
          <SpendList title="By model" groups={report.byModel.map((g) => ({ ...g, label: g.key ? modelLabel(g.key) : g.label }))} total={Math.max(0, ...report.byModel.map((g) => g.credits))} testId="spend-by-model" />
        </div>

        <section className="panel section" data-testid="credits-ledger">
          <div className="panel-head"><h2>Ledger</h2><span className="muted" style={{ fontSize: 12 }}>newest first{report.entries.length === 200 ? ', the latest 200' : ''}</span></div>
          {report.entries.length === 0 ? (
            <div className="row-empty">No ledger rows{filtered ? ' match these filters' : ' yet'}.</div>
          ) : (
            <table className="ledger">
              <thead>
                <tr><th>When (UTC)</th><th>What</th><th>Board</th><th>Person</th><th>Model</th><th className="num">Credits</th></tr>
              </thead>
              <tbody>
                {report.entries.map((e) => (
                  <tr key={e.id} data-testid="ledger-row" data-kind={e.kind}>
                    <td>{when(e.createdAt)}</td>
                    <td>{KIND_TEXT[e.kind]}{e.note ? <span className="muted"> · {e.note}</span> : null}</td>
                    <td>{e.board?.name ?? (e.kind === 'grant' ? '' : <span className="muted">Deleted board</span>)}</td>
                    <td>{e.person?.name ?? ''}</td>
                    <td>{e.model ? modelLabel(e.model) : ''}</td>
                    <td className={`num ${e.amount > 0 ? 'amount-plus' : 'amount-minus'}`}>{e.amount > 0 ? `+${e.amount}` : e.amount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </main>
    </div>
  )
}
