import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { listModels, roleCan } from '@montage/core'
import { getBoardAccess, getCreditBalance } from '@montage/db'
import { BoardCanvasLoader } from '@/components/board/BoardCanvasLoader'
import { StatusPage } from '@/components/StatusPage'
import { db } from '@/lib/server/context'
import { modelAvailabilityOptions, webEnv } from '@/lib/server/env'
import { optionalSession, requirePageSession } from '@/lib/server/session'

type Props = { params: Promise<{ boardId: string }> }

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { boardId } = await params
  const session = await optionalSession()
  const access = session ? await getBoardAccess(db(), { boardId, userId: session.user.id }) : null
  // Only members learn the board's name.
  return { title: access?.role ? `${access.board.name} · Montage` : 'Montage' }
}

export default async function BoardPage({ params }: Props) {
  const { user, token } = await requirePageSession()
  const { boardId } = await params
  const sql = db()
  const access = await getBoardAccess(sql, { boardId, userId: user.id })
  if (!access) notFound()
  if (!access.role) {
    return (
      <StatusPage
        code="403 · No access"
        title="You are not a member of this workspace"
        message="This board belongs to a workspace you have not been invited to. Ask one of its owners to add you."
        testId="forbidden"
      />
    )
  }
  // Reviewers do not see the workspace's balance (the top bar shows no credit pill for them).
  const credits = roleCan(access.role, 'credits.view') ? await getCreditBalance(sql, access.board.workspaceId) : null
  return (
    <BoardCanvasLoader
      boardId={access.board.id}
      boardName={access.board.name}
      workspaceId={access.board.workspaceId}
      role={access.role}
      collabUrl={webEnv().COLLAB_PUBLIC_URL}
      token={token}
      clerk={webEnv().AUTH_MODE === 'clerk'}
      credits={credits}
      user={{ id: user.id, name: user.name }}
      models={listModels(modelAvailabilityOptions())}
      tldrawLicenseKey={webEnv().TLDRAW_LICENSE_KEY}
      // Only people who may inspect jobs learn where the Temporal UI is.
      temporalUi={roleCan(access.role, 'job.inspect') ? { url: webEnv().TEMPORAL_UI_URL, namespace: webEnv().TEMPORAL_NAMESPACE } : undefined}
    />
  )
}
