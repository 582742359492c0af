'use client'

import { useCallback, useEffect, useMemo, useState } from 'react'
import Link from 'next/link'
import { DefaultStylePanel, Tldraw, UserRecordType, createUserId, useEditor, useValue, type Editor, type TLComponents } from 'tldraw'
import { getAssetUrls } from '@tldraw/assets/selfHosted'
import { roleCan, type TRole } from '@montage/core'
import { montageShapeUtils } from '@/components/shapes'
import { SEQUENCE_CHILD_TYPES } from '@/components/shapes/SequenceChildShapeUtils'
import { colorFor } from '@/lib/client/avatar'
import { BoardActions } from './BoardActions'
import { BoardContext, type TBoardContext, type TModelOption } from '@/components/board-context/BoardContext'
import { LiveJobsContext } from '@/components/board-context/LiveJobs'
import { BudgetBanner, TopBar, type TBoardBudgetView } from './TopBar'
import { MontageMainMenu, canvasHygiene } from './canvas-hygiene'
import { ReviewProvider } from '@/components/review/ReviewProvider'
import { LineageLinks } from './LineageLinks'
import { useYjsStore } from './useYjsStore'
import { SharedTextsContext } from '@/components/shared-text/useSharedText'
import { clerkSessionToken } from '@/lib/client/clerk-session-token'
import { requestJson } from '@/lib/client/request-json'
import { LibraryProvider } from '@/components/library/LibraryContext'
import { LibraryLayer } from '@/components/library/LibraryLayer'
import { libraryShortcut } from '@/components/library/library-shortcut'
import { sequenceShortcut } from '@/components/sequence/sequence-shortcut'
import { UploadsContext } from '@/components/uploads/UploadsContext'
import { UploadTracker } from '@/components/uploads/UploadTracker'
import { registerUploadHandlers } from '@/components/uploads/register-upload-handlers'
import { AssetUrlProvider } from '@/lib/client/use-asset-url'
import 'tldraw/tldraw.css'
import './canvas.css'

export interface BoardCanvasProps {
  boardId: string
  boardName: string
  workspaceId: string
  role: TRole
  collabUrl: string
  token: string
  /** Clerk mode: the canvas fetches fresh session tokens for the board socket (Clerk's live 60 s). */
  clerk?: boolean
  /** The workspace balance; null for reviewers, who are not shown it. */
  credits: number | null
  user: { id: string; name: string }
  /** Every model of the catalogue with whether this deployment can run it (and why not). */
  models: TModelOption[]
  /** tldraw's production licence key (`TLDRAW_LICENSE_KEY`, read at request time); none in development. */
  tldrawLicenseKey?: string
  /** The Temporal UI for a failed card's "Workflow" link; given only to roles with `job.inspect`. */
  temporalUi?: { url: string; namespace: string }
}

const assetUrls = getAssetUrls({ baseUrl: '/tldraw-assets' })
const MONTAGE_TYPES = new Set<string>(['reference', 'shot', 'variation', 'sequence'])

/** A sequence's clips and sounds are drawn inside its card, never as shapes of their own. */
const getShapeVisibility = (shape: { type: string }) => (SEQUENCE_CHILD_TYPES.has(shape.type) ? ('hidden' as const) : undefined)

/** tldraw's style panel, hidden when only Montage cards (which have no styles) are selected. */
function StylePanel() {
  const editor = useEditor()
  const hidden = useValue('style panel hidden', () => {
    const selected = editor.getSelectedShapes()
    if (selected.length === 0) return ['select', 'hand'].includes(editor.getCurrentToolId())
    return selected.every((s) => MONTAGE_TYPES.has(s.type))
  }, [editor])
  return hidden ? null : <DefaultStylePanel />
}

const components: TLComponents = { OnTheCanvas: LineageLinks, TopPanel: BoardActions, PageMenu: null, StylePanel, MainMenu: MontageMainMenu, DebugMenu: null, DebugPanel: null }

/** One board is one page: tldraw's page moves and page menu stay out of the way. */
const tldrawOptions = { maxPages: 1 }

const NOTICE_MS = 8_000

/** Why the board did not take a change of this person's; goes away on its own. */
function SyncNotice({ message, onDismiss }: { message: string; onDismiss: () => void }) {
  useEffect(() => {
    const t = setTimeout(onDismiss, NOTICE_MS)
    return () => clearTimeout(t)
  }, [onDismiss])
  return (
    <div className="m-toast" role="status" data-testid="sync-notice">
      <span>{message}</span>
      <button className="btn btn-ghost" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  )
}

export default function BoardCanvas({ boardId, boardName, workspaceId, role, collabUrl, token, clerk, credits: initialCredits, user, models, tldrawLicenseKey, temporalUi }: BoardCanvasProps) {
  const me = useMemo(() => ({ id: user.id, name: user.name, color: colorFor(user.id) }), [user.id, user.name])
  const { store, ready, sync, problem, peers, liveJobs, threads, notice, dismissNotice, texts } = useYjsStore({ boardId, collabUrl, token, fetchToken: clerk ? clerkSessionToken : undefined, shapeUtils: montageShapeUtils, user: me, canWrite: role !== 'reviewer', canComment: roleCan(role, 'comment.create') })
  const [credits, setCredits] = useState<number | null>(initialCredits)
  const [budget, setBudget] = useState<TBoardBudgetView | null>(null)
  const readOnly = role === 'reviewer'
  const [editor, setEditor] = useState<Editor | null>(null)
  const [libraryOpen, setLibraryOpen] = useState(false)
  const [uploads] = useState(() => new UploadTracker())
  const uiOverrides = useMemo(() => [canvasHygiene, libraryShortcut(() => setLibraryOpen((open) => !open)), sequenceShortcut(readOnly)], [readOnly])
  useEffect(() => {
    if (editor) registerUploadHandlers(editor, { boardId, tracker: uploads })
  }, [editor, boardId, uploads])
  // tldraw names the followed person by user record id (`user:<account id>`); the top bar by account id.
  const followingId = useValue(
    'following',
    () => {
      const following = editor?.getInstanceState().followingUserId
      return following ? UserRecordType.parseId(following) : null
    },
    [editor],
  )
  const onFollow = useCallback(
    (userId: string | null) => {
      if (!editor) return
      if (userId) editor.startFollowingUser(createUserId(userId))
      else editor.stopFollowingUser()
    },
    [editor],
  )

  const refreshCredits = useCallback(() => {
    // A balance that could not be read keeps the one shown.
    // Reviewers are not told the balance (the API answers null for them): nothing to refresh.
    if (!roleCan(role, 'credits.view')) return
    void requestJson<{ memberships?: { workspaceId: string; credits: number | null }[] }>('/api/me')
      .then((data) => {
        const m = data.memberships?.find((x) => x.workspaceId === workspaceId)
        if (m && m.credits !== null) setCredits(m.credits)
      })
      .catch(() => {})
    void requestJson<TBoardBudgetView>(`/api/boards/${boardId}/budget`)
      .then(setBudget)
      .catch(() => {})
  }, [workspaceId, boardId, role])

  // The first read of the board's budget (the balance came with the page).
  useEffect(() => {
    if (!roleCan(role, 'credits.view')) return
    void requestJson<TBoardBudgetView>(`/api/boards/${boardId}/budget`)
      .then(setBudget)
      .catch(() => {})
  }, [boardId, role])

  useEffect(() => {
    // Generations settle in the background; keep the balance roughly current.
    const t = setInterval(refreshCredits, 20_000)
    return () => clearInterval(t)
  }, [refreshCredits])

  useEffect(() => {
    if (!editor) return
    // A generation settles its credits when it finishes: refresh the balance the moment any
    // variation on the board reaches a final state, wherever it was started.
    return editor.store.listen(
      ({ changes }) => {
        const settled = Object.values(changes.updated).some(
          ([before, after]) =>
            after.typeName === 'shape' && after.type === 'variation' && before.typeName === 'shape' &&
            (before.props as { status: string }).status !== (after.props as { status: string }).status &&
            ['succeeded', 'failed', 'cancelled'].includes((after.props as { status: string }).status),
        )
        if (settled) refreshCredits()
      },
      { source: 'remote', scope: 'document' },
    )
  }, [editor, refreshCredits])

  const canApprove = roleCan(role, 'job.approve')
  const context = useMemo<TBoardContext>(() => ({ boardId, readOnly, refreshCredits, models, temporalUi, canApprove }), [boardId, readOnly, refreshCredits, models, temporalUi, canApprove])

  const onMount = useCallback(
    (editor: Editor) => {
      editor.user.updateUserPreferences({ colorScheme: 'dark', name: me.name, color: me.color })
      if (readOnly) editor.updateInstanceState({ isReadonly: true })
      ;(window as unknown as { __montageEditor?: Editor }).__montageEditor = editor
      // Open on the work itself, not on an empty corner of the canvas; never zoom past 100%.
      const bounds = editor.getCurrentPageBounds()
      if (bounds) editor.zoomToBounds(bounds, { targetZoom: 1, inset: 96 })
      setEditor(editor)
    },
    [me, readOnly],
  )

  return (
    <BoardContext.Provider value={context}>
      <AssetUrlProvider boardId={boardId}>
      <LibraryProvider workspaceId={workspaceId} open={libraryOpen} onOpenChange={setLibraryOpen}>
      <UploadsContext.Provider value={uploads}>
      <LiveJobsContext.Provider value={liveJobs}>
      <SharedTextsContext.Provider value={texts}>
      <ReviewProvider boardId={boardId} editor={editor} role={role} userId={user.id} threads={threads}>
      <div className="m-board" data-testid="board" data-ready={ready ? 'true' : 'false'}>
        <TopBar boardName={boardName} workspaceId={workspaceId} role={role} credits={credits} budget={budget} sync={sync} peers={peers} user={me} followingId={followingId} onFollow={onFollow} />
        <div className="m-canvas">
          <BudgetBanner budget={budget} workspaceId={workspaceId} canManage={roleCan(role, 'budget.manage')} />
          {ready && (
            <Tldraw licenseKey={tldrawLicenseKey} store={store} shapeUtils={montageShapeUtils} assetUrls={assetUrls} components={components} overrides={uiOverrides} options={tldrawOptions} getShapeVisibility={getShapeVisibility} onMount={onMount} colorScheme="system" />
          )}
          {ready && editor && <LibraryLayer editor={editor} boardId={boardId} readOnly={readOnly} />}
          {!ready && !problem && (
            <div className="m-overlay">
              <span className="m-spinner m-spinner-lg" />
              <span className="muted">{sync === 'offline' ? 'Waiting for the collaboration server…' : 'Opening board…'}</span>
            </div>
          )}
          {notice && <SyncNotice key={notice.id} message={notice.message} onDismiss={dismissNotice} />}
          {problem && (
            <div className={ready ? 'm-banner' : 'm-overlay'} role="alert" data-testid="sync-problem" data-kind={problem.kind}>
              <strong>{problem.kind === 'forbidden' ? 'No access' : problem.kind === 'unauthorized' ? 'Session expired' : 'Connection problem'}</strong>
              <span className="muted">{problem.message}</span>
              {problem.kind === 'unauthorized' ? (
                <Link className="btn btn-primary" href="/sign-in">Sign in again</Link>
              ) : problem.kind === 'forbidden' ? (
                <Link className="btn" href="/">Back to workspaces</Link>
              ) : (
                <button className="btn" onClick={() => window.location.reload()}>Reload</button>
              )}
            </div>
          )}
        </div>
      </div>
      </ReviewProvider>
      </SharedTextsContext.Provider>
      </LiveJobsContext.Provider>
      </UploadsContext.Provider>
      </LibraryProvider>
      </AssetUrlProvider>
    </BoardContext.Provider>
  )
}
