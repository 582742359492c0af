import type { TProvenanceApproval, TProvenanceClaim, TProvenanceIngredient } from '@montage/provenance/sign'
import { getAsset, type Sql, type TAssetProvenance, type TAssetProvenanceDecision, type TAssetRow } from '@montage/db'
import { downloadFileName } from './download-file-name'

/**
 * What a downloaded file's manifest says, from what the database recorded: a variation's output
 * was generated (or, for an edit, edited from its parent's output) by its model, with the
 * references it read as inputs and its review decisions as the approvals; anything else on the
 * board (an upload, a reference) is a file opened as uploaded.
 */
export async function provenanceClaimForAsset(
  sql: Sql,
  opts: { asset: TAssetRow; provenance: TAssetProvenance; workspaceId: string; boardId: string },
): Promise<TProvenanceClaim> {
  const { asset, provenance } = opts
  const title = downloadFileName(asset, provenance)
  const g = provenance.generation
  if (!g) {
    return {
      title,
      origin: { kind: 'uploaded' },
      ingredients: [{ title, format: asset.mimeType, sha256: asset.sha256, relationship: 'parentOf' }],
      source: { workspaceId: opts.workspaceId, boardId: opts.boardId },
    }
  }
  const ingredients: TProvenanceIngredient[] = []
  if (g.parent) {
    ingredients.push({ title: g.parent.variationId ? `${g.parent.variationId.replace(/^shape:/, '')} output` : 'edited upload', format: g.parent.mimeType ?? 'video/mp4', sha256: g.parent.sha256, relationship: 'parentOf' })
  }
  for (const sha256 of g.referenceShas) {
    const ref = await getAsset(sql, { workspaceId: opts.workspaceId, sha256 })
    if (ref) ingredients.push({ title: `reference ${sha256.slice(0, 12)}`, format: ref.mimeType, sha256, relationship: 'inputTo' })
  }
  return {
    title,
    origin: g.parent ? { kind: 'edited', model: g.model, ...(g.prompt ? { prompt: g.prompt.slice(0, 4000) } : {}) } : { kind: 'generated', model: g.model, ...(g.prompt ? { prompt: g.prompt.slice(0, 4000) } : {}) },
    ingredients,
    approvals: approvalsOf(provenance.decisions, { variationId: g.variationId, outputSha256: asset.sha256 }),
    source: { workspaceId: opts.workspaceId, boardId: opts.boardId, variationId: g.variationId, generationId: g.id },
  }
}

/** A variation's review decisions as the approvals a manifest carries (who, their role, when, which output). */
export function approvalsOf(decisions: TAssetProvenanceDecision[], of: { variationId: string; outputSha256: string }): TProvenanceApproval[] {
  return decisions.map((d) => ({
    ...of,
    decision: d.decision,
    by: { id: d.byId, name: d.byName },
    role: d.role ?? 'former member',
    decidedAt: d.decidedAt,
    ...(d.note ? { note: d.note } : {}),
  }))
}
