import { isUuid, AppError, AppErrorCode, type TPermission } from '@montage/core'
import { getGeneration, type Sql, type TGenerationRow } from '@montage/db'
import type { TCaller } from './caller'
import { requireBoardAccess } from './require-board-access'

/**
 * The generation, if the caller may start (and so cancel or retry) generations on its board, or
 * whatever `permission` says (`board.view` to read it).
 */
export async function requireGenerationAccess(sql: Sql, opts: { generationId: string; caller: TCaller; permission?: TPermission }): Promise<TGenerationRow> {
  const generation = isUuid(opts.generationId) ? await getGeneration(sql, opts.generationId) : null
  if (!generation) throw new AppError(AppErrorCode.NOT_FOUND, 'This generation does not exist.')
  await requireBoardAccess(sql, { boardId: generation.boardId, caller: opts.caller, permission: opts.permission ?? 'generation.start' })
  return generation
}
