import { AppError, AppErrorCode, type TLibraryReference, type TLibraryReferenceKind } from '@montage/core'
import type { Sql } from './client'
import { listLibraryReferences } from './list-library-references'

export interface CreateLibraryReferenceOptions {
  workspaceId: string
  tag: string
  kind: TLibraryReferenceKind
  name: string
  /** Assets of the same workspace, in view order. */
  assetIds: string[]
  createdBy: string
}

/** Why a sound is refused as a view: models are shown what a reference looks like. */
export const SOUND_IS_NO_VIEW = 'a sound cannot be a view of a reference (a reference shows what someone or something looks like)'

/** Creates a reference with its views in one transaction; a taken tag is a CONFLICT on `tag`. */
export async function createLibraryReference(sql: Sql, opts: CreateLibraryReferenceOptions): Promise<TLibraryReference> {
  const id = await sql.begin(async (tx) => {
    const found = await tx<{ id: string; mimeType: string }[]>`SELECT id, mime_type AS "mimeType" FROM assets WHERE workspace_id = ${opts.workspaceId} AND id = ANY(${opts.assetIds}::uuid[])`
    const missing = opts.assetIds.findIndex((a) => !found.some((f) => f.id === a))
    if (missing >= 0) throw new AppError(AppErrorCode.BAD_REQUEST, `assetIds.${missing}: no such asset in this workspace`, { field: `assetIds.${missing}` })
    const sound = opts.assetIds.findIndex((a) => found.find((f) => f.id === a)?.mimeType.startsWith('audio/'))
    if (sound >= 0) throw new AppError(AppErrorCode.BAD_REQUEST, `assetIds.${sound}: ${SOUND_IS_NO_VIEW}`, { field: `assetIds.${sound}` })
    const [row] = await tx<{ id: string }[]>`
      INSERT INTO library_references (workspace_id, tag, kind, name, created_by)
      VALUES (${opts.workspaceId}, ${opts.tag}, ${opts.kind}, ${opts.name}, ${opts.createdBy})
      ON CONFLICT (workspace_id, tag) DO NOTHING
      RETURNING id`
    if (!row) throw new AppError(AppErrorCode.CONFLICT, `tag: @${opts.tag} is already a reference in this workspace`, { field: 'tag' })
    const unique = [...new Set(opts.assetIds)]
    for (const [position, assetId] of unique.entries()) {
      await tx`INSERT INTO reference_views (reference_id, asset_id, position) VALUES (${row.id}, ${assetId}, ${position})`
    }
    return row.id
  })
  const [reference] = await listLibraryReferences(sql, { workspaceId: opts.workspaceId, ids: [id] })
  return reference!
}
