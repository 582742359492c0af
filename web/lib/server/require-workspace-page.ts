import { notFound } from 'next/navigation'
import { isUuid, type TRole } from '@montage/core'
import { getWorkspaceRole, type Sql } from '@montage/db'
import { db } from './context'
import { requirePageSession, type TSession } from './session'

/**
 * How every page under `/workspaces/<id>/` opens: the signed-in person and their role there. An id
 * that is no UUID, or a workspace the person is not in, is a 404: a non-member learns nothing about
 * what exists. Each page then checks the permission it needs and says, in its own words, who may.
 */
export async function requireWorkspacePage(workspaceId: string): Promise<{ user: TSession['user']; role: TRole; sql: Sql }> {
  const { user } = await requirePageSession()
  if (!isUuid(workspaceId)) notFound()
  const sql = db()
  const role = await getWorkspaceRole(sql, { userId: user.id, workspaceId })
  if (!role) notFound()
  return { user, role, sql }
}
