import type { TLRecord } from 'tldraw'
import type { TAuditEntry } from '@montage/core'
import { listAuditTrail, type ListAuditTrailOptions, type Sql, type TAuditRow } from '@montage/db'
import { storedBoardRecords } from './stored-board-records'

export interface TVariationName {
  shotId: string
  shotTitle: string | null
  version: number
}

const SHOT_NAME_MAX = 60

/**
 * The names people use for a board's variations, read from the board as stored: the shot's title
 * (or the start of its prompt) and the version number. A variation's `version` prop wins where
 * it has one; otherwise its place among the shot's variations in creation order (their z-order,
 * as the viewer's strip numbers them v1…vN).
 */
export async function nameBoardVariations(sql: Sql, boardId: string): Promise<Map<string, TVariationName>> {
  const records = await storedBoardRecords(sql, boardId)
  const shapes = records.filter((r): r is TLRecord & { type: string; index: string; props: Record<string, unknown> } => r.typeName === 'shape')
  const shots = new Map<string, string | null>()
  for (const s of shapes) {
    if (s.type !== 'shot' && s.type !== 'sequence') continue
    const title = typeof s.props.title === 'string' ? s.props.title.trim() : ''
    const prompt = typeof s.props.prompt === 'string' ? s.props.prompt.trim() : ''
    shots.set(s.id, title || (prompt.length > SHOT_NAME_MAX ? `${prompt.slice(0, SHOT_NAME_MAX - 1)}…` : prompt) || null)
  }
  const byShot = new Map<string, (typeof shapes)[number][]>()
  for (const s of shapes) {
    if (s.type !== 'variation' || typeof s.props.shotId !== 'string') continue
    byShot.set(s.props.shotId, [...(byShot.get(s.props.shotId) ?? []), s])
  }
  const out = new Map<string, TVariationName>()
  for (const [shotId, variations] of byShot) {
    variations.sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0))
    variations.forEach((v, i) => {
      const own = v.props.version
      out.set(v.id, { shotId, shotTitle: shots.get(shotId) ?? null, version: typeof own === 'number' && Number.isInteger(own) && own > 0 ? own : i + 1 })
    })
  }
  return out
}

/** The rows as the API answers them, each variation named from its board (read once per board). */
export async function toAuditEntries(sql: Sql, rows: TAuditRow[], cache = new Map<string, Promise<Map<string, TVariationName>>>()): Promise<TAuditEntry[]> {
  const boards = [...new Set(rows.map((r) => r.boardId))]
  for (const b of boards) if (!cache.has(b)) cache.set(b, nameBoardVariations(sql, b))
  const names = new Map(await Promise.all(boards.map(async (b) => [b, await cache.get(b)!] as const)))
  return rows.map((r) => {
    const n = names.get(r.boardId)
    const own = n?.get(r.variationId)
    const parent = r.parentVariationId ? n?.get(r.parentVariationId) : undefined
    return {
      id: r.id,
      kind: r.kind,
      at: r.at.toISOString(),
      board: { id: r.boardId, name: r.boardName },
      shotId: r.shotId ?? own?.shotId ?? null,
      variationId: r.variationId,
      parentVariationId: r.parentVariationId,
      actor: { id: r.actorId, name: r.actorName, role: r.actorRole },
      model: r.model,
      detail: r.detail,
      shotTitle: own?.shotTitle ?? null,
      version: own?.version ?? null,
      parentVersion: parent?.version ?? null,
    }
  })
}

export type { ListAuditTrailOptions }
export { listAuditTrail }
