import type { Sql } from './client'

export interface TAssetProvenanceDecision {
  decision: 'approved' | 'changes_requested'
  byId: string
  byName: string
  /** The decider's role in the workspace now (decisions do not record it); null once they left. */
  role: string | null
  decidedAt: string
  note: string | null
}

export interface TAssetProvenance {
  /** The generation whose output these bytes are, on this board; null for an upload or reference. */
  generation: {
    id: string
    variationId: string
    model: string
    prompt: string | null
    /** An edit's source: the parent generation's output, or the asset it edited (an upload: no variation). */
    parent: { sha256: string; mimeType: string | null; variationId: string | null } | null
    /** The references the generation read (their bytes' sha256). */
    referenceShas: string[]
  } | null
  /** The variation's review decisions, oldest first (the audit trail). */
  decisions: TAssetProvenanceDecision[]
}

/**
 * What made a file of a board and who decided on it: the latest succeeded generation of the board
 * whose output is these bytes (with its parent, for an edit), and that variation's decisions with
 * each decider's name and role. Read for the file's Content Credentials.
 */
export async function getAssetProvenance(sql: Sql, opts: { boardId: string; sha256: string }): Promise<TAssetProvenance> {
  const [g] = await sql<
    { id: string; variation_id: string; model: string; request: { prompt?: string; references?: { assetSha256?: string }[] } | null; params: { prompt?: string } | null; parent_sha: string | null; parent_mime: string | null; parent_variation: string | null; source_sha: string | null; source_mime: string | null }[]
  >`
    SELECT g.id, g.variation_id, g.model, g.request, g.params,
           p.output_asset AS parent_sha, p.output_mime_type AS parent_mime, p.variation_id AS parent_variation,
           g.source_asset_sha256 AS source_sha, s.mime_type AS source_mime
    FROM generations g LEFT JOIN generations p ON p.id = g.parent_generation_id
    LEFT JOIN assets s ON s.workspace_id = g.workspace_id AND s.sha256 = g.source_asset_sha256
    WHERE g.board_id = ${opts.boardId} AND g.output_asset = ${opts.sha256} AND g.status = 'succeeded'
    ORDER BY g.finished_at DESC NULLS LAST, g.created_at DESC
    LIMIT 1`
  if (!g) return { generation: null, decisions: [] }
  const decisions = await sql<{ decision: 'approved' | 'changes_requested'; decided_by: string; by_name: string; role: string | null; created_at: Date; note: string | null }[]>`
    SELECT d.decision, d.decided_by, u.name AS by_name, m.role::text AS role, d.created_at, d.note
    FROM review_decisions d
    JOIN users u ON u.id = d.decided_by
    JOIN boards b ON b.id = d.board_id
    LEFT JOIN memberships m ON m.workspace_id = b.workspace_id AND m.user_id = d.decided_by
    WHERE d.board_id = ${opts.boardId} AND d.variation_id = ${g.variation_id}
    ORDER BY d.created_at, d.id`
  const prompt = g.request?.prompt ?? g.params?.prompt ?? null
  return {
    generation: {
      id: g.id,
      variationId: g.variation_id,
      model: g.model,
      prompt: prompt || null,
      parent: g.parent_sha
        ? { sha256: g.parent_sha, mimeType: g.parent_mime, variationId: g.parent_variation! }
        : g.source_sha
          ? { sha256: g.source_sha, mimeType: g.source_mime, variationId: null }
          : null,
      referenceShas: [...new Set((g.request?.references ?? []).map((r) => r.assetSha256).filter((s): s is string => !!s))],
    },
    decisions: decisions.map((d) => ({
      decision: d.decision,
      byId: d.decided_by,
      byName: d.by_name,
      role: d.role,
      decidedAt: d.created_at.toISOString(),
      note: d.note,
    })),
  }
}
