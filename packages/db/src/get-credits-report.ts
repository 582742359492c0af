import type { TCreditEntry, TCreditsQuery, TCreditsReport, TCreditSpendGroup } from '@montage/core'
import type { Sql } from './client'
import { getCreditBalance } from './get-credit-balance'

export interface GetCreditsReportOptions {
  workspaceId: string
  filters: TCreditsQuery
  /** The newest ledger rows shown (the sums cover every row within the filters). */
  limit?: number
}

interface TLedgerRow {
  id: string
  kind: TCreditEntry['kind']
  amount: number
  note: string | null
  createdAt: Date
  generationId: string | null
  boardId: string | null
  boardName: string | null
  personId: string | null
  personName: string | null
  model: string | null
}

/**
 * The credits page: the balance, the ledger within the filters (board, person and model filter
 * spend rows: grants belong to none of them), and spend grouped by board, person, model and day.
 * Spend is what generations took net of what came back: -(reserve + settle + release).
 */
export async function getCreditsReport(sql: Sql, opts: GetCreditsReportOptions): Promise<TCreditsReport> {
  const f = opts.filters
  const where = () => sql`
    l.workspace_id = ${opts.workspaceId}
    ${f.board ? sql`AND g.board_id = ${f.board}` : sql``}
    ${f.person ? sql`AND g.created_by = ${f.person}` : sql``}
    ${f.model ? sql`AND g.model = ${f.model}` : sql``}
    ${f.from ? sql`AND l.created_at >= ${f.from}::date` : sql``}
    ${f.to ? sql`AND l.created_at < ${f.to}::date + 1` : sql``}`
  const joined = () => sql`credit_ledger l LEFT JOIN generations g ON g.id = l.generation_id LEFT JOIN boards b ON b.id = g.board_id LEFT JOIN users u ON u.id = g.created_by`

  const [balance, rows, groups, days, options] = await Promise.all([
    getCreditBalance(sql, opts.workspaceId),
    sql<TLedgerRow[]>`
      SELECT l.id::text AS id, l.kind, l.amount, l.note, l.created_at AS "createdAt", l.generation_id AS "generationId",
             b.id AS "boardId", b.name AS "boardName", u.id AS "personId", u.name AS "personName", g.model
      FROM ${joined()} WHERE ${where()}
      ORDER BY l.created_at DESC, l.id DESC LIMIT ${opts.limit ?? 200}`,
    sql<{ dim: 'board' | 'person' | 'model'; key: string | null; label: string | null; credits: number }[]>`
      WITH spend AS (
        SELECT g.board_id, b.name AS board_name, g.created_by, u.name AS person_name, g.model, -l.amount AS credits
        FROM ${joined()} WHERE ${where()} AND l.kind <> 'grant'
      )
      SELECT 'board' AS dim, board_id::text AS key, board_name AS label, sum(credits)::int AS credits FROM spend GROUP BY board_id, board_name
      UNION ALL
      SELECT 'person', created_by::text, person_name, sum(credits)::int FROM spend GROUP BY created_by, person_name
      UNION ALL
      SELECT 'model', model, model, sum(credits)::int FROM spend GROUP BY model`,
    sql<{ day: string; credits: number }[]>`
      SELECT to_char(date_trunc('day', l.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, sum(-l.amount)::int AS credits
      FROM ${joined()} WHERE ${where()} AND l.kind <> 'grant' GROUP BY 1 ORDER BY 1`,
    sql<{ dim: 'board' | 'person' | 'model'; key: string; label: string }[]>`
      SELECT DISTINCT 'board' AS dim, b.id::text AS key, b.name AS label FROM generations g JOIN boards b ON b.id = g.board_id WHERE g.workspace_id = ${opts.workspaceId}
      UNION
      SELECT DISTINCT 'person', u.id::text, u.name FROM generations g JOIN users u ON u.id = g.created_by WHERE g.workspace_id = ${opts.workspaceId}
      UNION
      SELECT DISTINCT 'model', g.model, g.model FROM generations g WHERE g.workspace_id = ${opts.workspaceId}`,
  ])

  const group = (dim: 'board' | 'person' | 'model', missing: string): TCreditSpendGroup[] =>
    groups
      .filter((g) => g.dim === dim && g.credits !== 0)
      .map((g) => ({ key: g.key ?? '', label: g.label ?? missing, credits: g.credits }))
      .sort((a, b) => b.credits - a.credits || a.label.localeCompare(b.label))
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name)

  return {
    balance,
    entries: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      amount: r.amount,
      note: r.note,
      createdAt: r.createdAt.toISOString(),
      generationId: r.generationId,
      board: r.boardId ? { id: r.boardId, name: r.boardName ?? '' } : null,
      person: r.personId ? { id: r.personId, name: r.personName ?? '' } : null,
      model: r.model,
    })),
    spent: days.reduce((n, d) => n + d.credits, 0),
    // Spend whose generation went with a deleted board keeps counting, under no board.
    byBoard: group('board', 'Deleted boards'),
    byPerson: group('person', 'Unknown'),
    byModel: group('model', 'Unknown'),
    byDay: fillDays(days, f),
    options: {
      boards: options.filter((o) => o.dim === 'board').map((o) => ({ id: o.key, name: o.label })).sort(byName),
      people: options.filter((o) => o.dim === 'person').map((o) => ({ id: o.key, name: o.label })).sort(byName),
      models: options.filter((o) => o.dim === 'model').map((o) => o.key).sort(),
    },
  }
}

const DAY_MS = 86_400_000
/** The chart's longest span; a wider range keeps its last days. */
const MAX_DAYS = 366

/** Every day from the range's start (or the first spend) to its end (or today), zero where nothing was spent. */
function fillDays(days: { day: string; credits: number }[], f: TCreditsQuery): { day: string; credits: number }[] {
  const today = new Date().toISOString().slice(0, 10)
  const first = f.from ?? days[0]?.day ?? today
  const last = f.to ?? (days.at(-1)?.day && days.at(-1)!.day > today ? days.at(-1)!.day : today)
  const byDay = new Map(days.map((d) => [d.day, d.credits]))
  const end = Date.parse(`${last}T00:00:00Z`)
  const start = Math.max(Date.parse(`${first}T00:00:00Z`), end - (MAX_DAYS - 1) * DAY_MS)
  const out: { day: string; credits: number }[] = []
  for (let t = start; t <= end; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10)
    out.push({ day, credits: byDay.get(day) ?? 0 })
  }
  return out
}
