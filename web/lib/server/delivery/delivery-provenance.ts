import { AppError, AppErrorCode } from '@montage/core'
import type { StreamDeliveryPackageOptions, TManifestApproval, TManifestGeneration } from '@montage/delivery'
import { getAsset, listBoardGenerations, listDeliveryDecisions, type Sql, type TBoardRow } from '@montage/db'
import type { TStoredSequence } from './load-stored-sequence'

export interface TDeliveryProvenance {
  render: StreamDeliveryPackageOptions['render']
  manifest: StreamDeliveryPackageOptions['provenance']
}

/**
 * What the database recorded behind a sequence's package: the render to ship (the latest
 * succeeded render variation), each generation row, and each variation's decision trail with
 * who (name, role) and when. Every file must be an asset of the board's workspace: a sound's
 * sha256 is written by a member's client, and naming another studio's bytes must not fetch them.
 */
export async function deliveryProvenance(sql: Sql, opts: { board: TBoardRow; sequence: TStoredSequence }): Promise<TDeliveryProvenance> {
  const { board, sequence } = opts
  const generations = await listBoardGenerations(sql, board.id)
  const byId = new Map(generations.map((g) => [g.id, g]))
  const when = (generationId: string) => {
    const g = byId.get(generationId)
    return g ? (g.finishedAt ?? g.createdAt).getTime() : -1
  }
  // Latest finished first; renders without a row (none should be) fall back to board order.
  const render = [...sequence.renders].reverse().sort((a, b) => when(b.generationId) - when(a.generationId))[0]
  if (!render) throw new AppError(AppErrorCode.CONFLICT, `"${sequence.timeline.title || 'This sequence'}" has no finished render yet: render the sequence first, then download its package.`)

  const files = [
    { sha256: render.sha256, what: 'the render' },
    ...sequence.timeline.clips.map((c, i) => ({ sha256: c.assetSha256, what: `clip ${i + 1}${c.label ? ` (${c.label})` : ''}` })),
    ...sequence.timeline.audioTracks.flatMap((t) => t.items.map((a) => ({ sha256: a.assetSha256, what: `the sound "${a.name}" on ${t.name}` }))),
  ]
  const checked = new Set<string>()
  for (const file of files) {
    if (checked.has(file.sha256)) continue
    checked.add(file.sha256)
    if (!(await getAsset(sql, { workspaceId: board.workspaceId, sha256: file.sha256 }))) {
      throw new AppError(AppErrorCode.CONFLICT, `The package cannot be built: ${file.what} is not a file of this workspace.`)
    }
  }

  const manifestGenerations = new Map<string, TManifestGeneration>()
  for (const id of [...sequence.timeline.clips.map((c) => c.generationId), render.generationId]) {
    const g = byId.get(id)
    if (g) manifestGenerations.set(id, { id: g.id, shotId: g.shotId, model: g.model, params: g.params, credits: g.credits, request: g.request, createdAt: g.createdAt, finishedAt: g.finishedAt })
  }
  const decisions = new Map<string, TManifestApproval[]>()
  const variationIds = [...new Set([...sequence.timeline.clips.map((c) => c.variationId), render.variationId])]
  for (const d of await listDeliveryDecisions(sql, { boardId: board.id, variationIds })) {
    const list = decisions.get(d.variationId) ?? []
    list.push({ decision: d.decision, by: { name: d.by.name, role: d.by.role }, at: d.at.toISOString(), note: d.note })
    decisions.set(d.variationId, list)
  }
  const row = byId.get(render.generationId)
  return {
    render: { sha256: render.sha256, mimeType: render.mimeType, variationId: render.variationId, generationId: row ? row.id : null },
    manifest: { generations: manifestGenerations, decisions, approved: sequence.approved, prompts: sequence.prompts },
  }
}
