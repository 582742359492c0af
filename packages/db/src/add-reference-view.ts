import { AppError, AppErrorCode, MAX_REFERENCE_VIEWS, type TLibraryReference } from '@montage/core'
import type { Sql } from './client'
import { SOUND_IS_NO_VIEW } from './create-library-reference'
import { listLibraryReferences } from './list-library-references'

/** Adds an asset of the reference's workspace as its next view; adding a view it has changes nothing. */
export async function addReferenceView(sql: Sql, opts: { workspaceId: string; referenceId: string; assetId: string }): Promise<TLibraryReference> {
  await sql.begin(async (tx) => {
    // Serialises concurrent adds, so two of them cannot both pass the view limit.
    const [ref] = await tx`SELECT id FROM library_references WHERE id = ${opts.referenceId} AND workspace_id = ${opts.workspaceId} FOR UPDATE`
    if (!ref) throw new AppError(AppErrorCode.NOT_FOUND, 'No such reference.')
    const [asset] = await tx<{ mimeType: string }[]>`SELECT mime_type AS "mimeType" FROM assets WHERE id = ${opts.assetId} AND workspace_id = ${opts.workspaceId}`
    if (!asset) throw new AppError(AppErrorCode.BAD_REQUEST, 'assetId: no such asset in this workspace', { field: 'assetId' })
    if (asset.mimeType.startsWith('audio/')) throw new AppError(AppErrorCode.BAD_REQUEST, `assetId: ${SOUND_IS_NO_VIEW}`, { field: 'assetId' })
    const views = await tx<{ assetId: string }[]>`SELECT asset_id AS "assetId" FROM reference_views WHERE reference_id = ${opts.referenceId}`
    if (views.some((v) => v.assetId === opts.assetId)) return
    if (views.length >= MAX_REFERENCE_VIEWS) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `assetId: a reference holds at most ${MAX_REFERENCE_VIEWS} views`, { field: 'assetId' })
    }
    await tx`INSERT INTO reference_views (reference_id, asset_id, position) VALUES (${opts.referenceId}, ${opts.assetId}, ${views.length})`
  })
  const [reference] = await listLibraryReferences(sql, { workspaceId: opts.workspaceId, ids: [opts.referenceId] })
  return reference!
}
