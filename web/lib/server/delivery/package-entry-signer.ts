import type { TPackageEntry, TPackageEntrySigner } from '@montage/delivery'
import { deliveryMediaPaths } from '@montage/delivery'
import { getAsset, getAssetProvenance, type Sql, type TBoardRow } from '@montage/db'
import { createEntrySigner, type TProvenanceApproval, type TProvenanceClaim, type TProvenanceIngredient, type TSigningCredentials } from '@montage/provenance/sign'
import { approvalsOf, provenanceClaimForAsset } from '../downloads/provenance-claim-for-asset'
import type { TDeliveryProvenance } from './delivery-provenance'
import type { TStoredSequence } from './load-stored-sequence'

export interface PackageEntrySignerOptions {
  board: TBoardRow
  sequence: TStoredSequence
  render: TDeliveryProvenance['render']
  credentials: TSigningCredentials
  /** Bounds how many files the process holds whole at once (web's signing gate, shared with downloads). */
  embedding?<T>(sign: () => Promise<T>): Promise<T>
}

/**
 * Content Credentials for every file of a sequence's delivery package (the `signEntry` seam).
 * Each clip and sound carries the claim a single download of it gets (its model, its parent and
 * references, its variation's decisions). The render is a composite of the clips and sounds,
 * each a componentOf ingredient placed once, and its approvals are those behind every clip (and
 * any on the render itself). `manifest.json` and the hand-off files are documents Montage wrote
 * from the sequence, naming the same media as ingredients; they travel with a `.c2pa` sidecar.
 * Claims are read from the database before the first byte goes out, so a package never stops
 * half way on a query.
 */
/** What every file of a sequence's delivery names: each clip's and sound's claim, as ingredients, and the clips' approvals. */
export interface TSequenceMediaClaims {
  mediaClaims: Map<string, TProvenanceClaim>
  components: TProvenanceIngredient[]
  clipApprovals: TProvenanceApproval[]
  clipCount: number
  soundCount: number
}

/** Reads the claim of every clip and sound of the sequence, as a single download of each would be signed. */
export async function sequenceMediaClaims(sql: Sql, { board, sequence }: { board: TBoardRow; sequence: TStoredSequence }): Promise<TSequenceMediaClaims> {
  const where = { workspaceId: board.workspaceId, boardId: board.id }
  const media = deliveryMediaPaths(sequence.timeline)
  const mediaClaims = new Map<string, TProvenanceClaim>()
  for (const file of media.files) {
    const asset = await getAsset(sql, { workspaceId: board.workspaceId, sha256: file.sha256 })
    if (!asset) throw new Error(`${file.path} is not a file of this workspace`)
    const provenance = await getAssetProvenance(sql, { boardId: board.id, sha256: file.sha256 })
    mediaClaims.set(file.sha256, await provenanceClaimForAsset(sql, { asset, provenance, ...where }))
  }
  const clipCount = media.files.filter((f) => f.kind === 'clip').length
  return {
    mediaClaims,
    components: media.files.map((f) => ({ title: f.path, format: f.mimeType, sha256: f.sha256, relationship: 'componentOf' })),
    clipApprovals: media.files.flatMap((f) => (f.kind === 'clip' ? (mediaClaims.get(f.sha256)!.approvals ?? []) : [])),
    clipCount,
    soundCount: media.files.length - clipCount,
  }
}

/** The claim of a document Montage wrote from the sequence (the manifest or an edit list): the sequence's media as ingredients. */
export function writtenDocumentClaim(
  { board, sequence, media }: { board: TBoardRow; sequence: TStoredSequence; media: TSequenceMediaClaims },
  entry: { path: string; kind: 'manifest' | 'handoff' },
): TProvenanceClaim {
  const title = sequence.timeline.title || 'Untitled sequence'
  return {
    title: entry.path,
    origin: { kind: 'written', description: entry.kind === 'manifest' ? `Delivery manifest of "${title}", written by Montage` : `Edit list of "${title}", written by Montage from the sequence` },
    ingredients: media.components,
    approvals: media.clipApprovals,
    source: { workspaceId: board.workspaceId, boardId: board.id, variationId: sequence.timeline.sequenceId },
  }
}

export async function packageEntrySigner(sql: Sql, opts: PackageEntrySignerOptions): Promise<TPackageEntrySigner> {
  const { board, sequence, render } = opts
  const where = { workspaceId: board.workspaceId, boardId: board.id }
  // One claim per distinct file, as a single download of it would be signed.
  const media = await sequenceMediaClaims(sql, { board, sequence })
  const { mediaClaims, components, clipApprovals, clipCount, soundCount } = media
  const renderDecisions = await getAssetProvenance(sql, { boardId: board.id, sha256: render.sha256 })
  const renderApprovals = approvalsOf(renderDecisions.decisions, { variationId: render.variationId, outputSha256: render.sha256 })
  const title = sequence.timeline.title || 'Untitled sequence'
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`

  const claimFor = (entry: TPackageEntry): TProvenanceClaim | null => {
    switch (entry.kind) {
      case 'clip':
      case 'audio':
        return mediaClaims.get(entry.sha256 ?? '') ?? null
      case 'render':
        return {
          title: entry.path,
          origin: { kind: 'composite', description: `Sequence "${title}" rendered by Montage from ${count(clipCount, 'clip')}${soundCount ? ` and ${count(soundCount, 'sound')}` : ''}` },
          ingredients: components,
          approvals: [...clipApprovals, ...renderApprovals],
          source: { ...where, variationId: render.variationId, ...(render.generationId ? { generationId: render.generationId } : {}) },
        }
      case 'manifest':
      case 'handoff':
        return writtenDocumentClaim({ board, sequence, media }, { path: entry.path, kind: entry.kind })
    }
  }
  return createEntrySigner<TPackageEntry>({ credentials: opts.credentials, claimFor, ...(opts.embedding ? { embedding: opts.embedding } : {}) })
}
