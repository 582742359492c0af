'use client'

import { DownloadLink } from '@/components/media/DownloadLink'
import { useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { COMMENT_DRAFT_FIELD } from '@montage/board/client'
import { SharedTextsContext, useSharedText } from '@/components/shared-text/useSharedText'
import { ActivityPanel } from './ActivityPanel'
import { CommentsPanel, type TDraft } from './CommentsPanel'
import { RegionLayer, type TRegionTool, type TShownRegion } from './RegionLayer'
import { ScrubBar, type TScrubMark } from './ScrubBar'
import { ShortcutHelp } from './ShortcutHelp'
import { usePlayer, useFittedBox } from './player'
import { ApiRefusal } from '@/lib/client/request-json'
import { useFocusTrap } from '@/lib/client/use-focus-trap'
import { shortTime, timecode, type TDecision, type TMember, type TRegion, type TReviewApi, type TReviewComment } from './review-client'
import { ReviewStateBadge, type TReviewState } from './ReviewStateBadge'
import { ReviewVideo } from './ReviewVideo'
import '@/components/activity/activity.css'
import { VersionTag } from './VersionTag'
import { ProvenanceTags } from './ProvenanceTags'
import type { TViewerVariation } from './viewer-variation'

interface Props {
  variation: TViewerVariation
  api: TReviewApi
  canDecide: boolean
  /** May resolve anyone's thread (producers, owners); others only their own. */
  canModerate?: boolean
  /** The signed-in member, to know their own threads; null for guests. */
  userId?: string | null
  /** Opens on this thread: the playhead at its time, its region shown. */
  initialThreadId?: string | null
  initialTime?: number | null
  /** Changes whenever the board's thread summaries change, so the list refetches live. */
  liveKey?: string
  onClose: () => void
  /** Below the transport: the shot's version stack (on the board). */
  versions?: ReactNode
  /** In the header: what this version was edited from and what was edited from it (on the board). */
  lineage?: ReactNode
  /** A thread action on the board: start an edit focused on the comment. */
  onEditFromComment?: (comment: TReviewComment) => void
}

const TOOLS: { tool: TRegionTool; label: string; icon: string }[] = [
  { tool: 'none', label: 'No region', icon: '↖' },
  { tool: 'rect', label: 'Rectangle', icon: '▭' },
  { tool: 'arrow', label: 'Arrow', icon: '↗' },
  { tool: 'freehand', label: 'Freehand', icon: '✎' },
]

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
}

function errorText(e: unknown): string {
  if (e instanceof ApiRefusal) return e.field ? `${e.message}` : e.message
  return e instanceof Error ? e.message : String(e)
}

/** A variation opened large: playback, frame-accurate scrubbing, comments pinned to time and region, decisions. */
export function Viewer({ variation, api, canDecide, canModerate = false, userId = null, initialThreadId = null, initialTime = null, liveKey, onClose, versions, lineage, onEditFromComment }: Props) {
  const video = useRef<HTMLVideoElement>(null)
  const stageRef = useRef<HTMLDivElement>(null)
  const layer = useRef<HTMLDivElement>(null)
  useFocusTrap(layer)
  const player = usePlayer(video, variation.durationSeconds)
  const [aspect, setAspect] = useState(16 / 9)
  const box = useFittedBox(stageRef, aspect)

  const [comments, setComments] = useState<TReviewComment[] | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [members, setMembers] = useState<TMember[]>([])
  const [selectedId, setSelectedId] = useState<string | null>(initialThreadId)
  const [tool, setTool] = useState<TRegionTool>('none')
  const [region, setRegion] = useState<TRegion | null>(null)
  const [range, setRange] = useState<{ in: number | null; out: number | null }>({ in: null, out: null })
  const [attachTime, setAttachTime] = useState(true)
  // The comment being written: on the board, one draft per variation that everyone who may comment
  // writes together (reviewers too); a guest's stays their own (guests hold no board socket).
  const board = useContext(SharedTextsContext)
  const shared = !!board?.mayWrite(COMMENT_DRAFT_FIELD)
  const body = useSharedText(variation.id, COMMENT_DRAFT_FIELD, '', () => {}, { local: !shared })
  const [parentId, setParentId] = useState<string | null>(null)
  const draft: TDraft = { body: body.value, parentId }
  const setDraft = (d: TDraft) => {
    if (d.body !== body.value) body.onChange(d.body, d.body.length)
    setParentId(d.parentId)
  }
  const [submitting, setSubmitting] = useState(false)
  const [submitError, setSubmitError] = useState<string | null>(null)
  const [help, setHelp] = useState(false)
  const [decision, setDecision] = useState<{ state: TReviewState | null; busy: boolean; error: string | null }>({ state: null, busy: false, error: null })
  const reviewState = decision.state ?? variation.reviewState
  /** The decision whose note is being written (the form under the header), or null. */
  const [noteFor, setNoteFor] = useState<TDecision | null>(null)
  const [note, setNote] = useState('')
  const [side, setSide] = useState<'comments' | 'activity'>('comments')
  const [decided, setDecided] = useState(0)

  const load = useCallback(async () => {
    try {
      setComments(await api.listComments(variation.id))
      setLoadError(null)
    } catch (e) {
      setLoadError(`Comments could not be loaded: ${errorText(e)}`)
    }
  }, [api, variation.id])

  useEffect(() => {
    void load()
  }, [load, liveKey])

  useEffect(() => {
    if (!api.members) return
    api.members().then(setMembers, () => setMembers([]))
  }, [api])

  // Open where we were asked to: the thread's frame, paused, so the region lines up with it.
  const opened = useRef(false)
  useEffect(() => {
    if (opened.current || !player.ready) return
    opened.current = true
    if (initialTime !== null) player.seek(initialTime)
  }, [player, player.ready, initialTime])

  const selected = comments?.find((c) => c.id === selectedId) ?? null

  const selectThread = useCallback(
    (c: TReviewComment) => {
      setSelectedId(c.id)
      player.pause()
      if (c.timeSeconds !== null) player.seek(c.timeSeconds)
    },
    [player],
  )

  async function submit() {
    if (submitting || draft.body.trim().length === 0) return
    setSubmitting(true)
    setSubmitError(null)
    const reply = draft.parentId !== null
    const start = range.in ?? (attachTime ? player.time : null)
    try {
      const comment = await api.createComment({
        variationId: variation.id,
        body: draft.body,
        ...(reply ? { parentId: draft.parentId! } : {}),
        ...(!reply && start !== null ? { timeSeconds: Math.round(start * 1000) / 1000 } : {}),
        ...(!reply && range.in !== null && range.out !== null ? { endSeconds: Math.round(range.out * 1000) / 1000 } : {}),
        ...(!reply && region ? { region } : {}),
      })
      setComments((cs) => [...(cs ?? []).filter((c) => c.id !== comment.id), comment])
      // Posted: the draft empties for everyone writing it.
      setDraft({ body: '', parentId: null })
      setRegion(null)
      setTool('none')
      setRange({ in: null, out: null })
      setAttachTime(true)
      if (!reply) setSelectedId(comment.id)
    } catch (e) {
      // The draft stays as typed, so nothing is lost to a failed send.
      setSubmitError(e instanceof ApiRefusal && e.field ? `${errorText(e)} (${e.field})` : errorText(e))
    } finally {
      setSubmitting(false)
    }
  }

  async function resolve(c: TReviewComment, resolved: boolean): Promise<string | null> {
    if (!api.setResolved) return null
    try {
      const updated = await api.setResolved(c.id, resolved)
      setComments((cs) => (cs ?? []).map((x) => (x.id === updated.id ? updated : x)))
      return null
    } catch (e) {
      return errorText(e)
    }
  }

  async function decide(d: TDecision) {
    if (!api.decide) return
    const text = note.trim()
    if (d === 'changes_requested' && !text) {
      setDecision((s) => ({ ...s, error: 'Say what should change: a note is required to request changes.' }))
      return
    }
    setDecision((s) => ({ ...s, busy: true, error: null }))
    try {
      await api.decide(variation.id, d, text || undefined)
      setDecision({ state: d, busy: false, error: null })
      setNoteFor(null)
      setNote('')
      setDecided((n) => n + 1)
    } catch (e) {
      setDecision((s) => ({ ...s, busy: false, error: errorText(e) }))
    }
  }

  // The board's copy catches up through the document; once it does, it is the truth again.
  useEffect(() => {
    setDecision((s) => (s.state !== null && s.state === variation.reviewState ? { ...s, state: null } : s))
  }, [variation.reviewState])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return
      if (e.metaKey || e.ctrlKey || e.altKey) return
      let handled = true
      switch (e.key) {
        case ' ':
          player.toggle()
          break
        case 'ArrowLeft':
          player.step(e.shiftKey ? -24 : -1)
          break
        case 'ArrowRight':
          player.step(e.shiftKey ? 24 : 1)
          break
        case 'i':
        case 'I':
          setRange((r) => ({ in: player.time, out: r.out !== null && r.out > player.time ? r.out : null }))
          break
        case 'o':
        case 'O':
          setRange((r) => (r.in !== null && player.time > r.in ? { ...r, out: player.time } : { in: r.in ?? 0, out: player.time > (r.in ?? 0) ? player.time : null }))
          break
        case '?':
          setHelp((h) => !h)
          break
        case 'Escape':
          if (help) setHelp(false)
          else if (tool !== 'none') setTool('none')
          else onClose()
          break
        default:
          handled = false
      }
      if (handled) {
        e.preventDefault()
        e.stopPropagation()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [player, help, tool, onClose])

  const marks = useMemo<TScrubMark[]>(
    () =>
      (comments ?? [])
        .filter((c) => !c.parentId && c.timeSeconds !== null)
        .map((c) => ({ id: c.id, start: c.timeSeconds!, end: c.endSeconds, resolved: c.resolved, selected: c.id === selectedId, title: `${c.author.name}: ${c.body.slice(0, 80)}` })),
    [comments, selectedId],
  )

  const shown: TShownRegion[] = []
  if (selected?.region && tool === 'none' && !region) shown.push({ key: selected.id, region: selected.region, tone: 'thread' })
  if (region) shown.push({ key: 'draft', region, tone: 'draft' })

  const attachment: { label: string; onClear: (() => void) | null }[] = []
  if (range.in !== null) attachment.push({ label: range.out !== null ? `${shortTime(range.in)}–${shortTime(range.out)}` : `from ${shortTime(range.in)}`, onClear: () => setRange({ in: null, out: null }) })
  else if (attachTime) attachment.push({ label: `at ${shortTime(player.time)}`, onClear: () => setAttachTime(false) })
  if (region) attachment.push({ label: `+ ${region.shape === 'rect' ? 'rectangle' : region.shape}`, onClear: () => setRegion(null) })

  function openNote(d: TDecision) {
    setDecision((s) => ({ ...s, error: null }))
    setNoteFor((cur) => (cur === d ? null : d))
  }

  // Comments / Activity: only members have a trail to read (a guest sees the comments alone).
  const sideTabs = api.activity ? (
    <span className="m-side-tabs" role="tablist" aria-label="Side panel">
      {(['comments', 'activity'] as const).map((t) => (
        <button key={t} type="button" role="tab" aria-selected={side === t} className="m-side-tab" data-testid={`side-tab-${t}`} onClick={() => setSide(t)}>
          {t === 'comments' ? 'Comments' : 'Activity'}
        </button>
      ))}
    </span>
  ) : undefined

  return (
    <div ref={layer} tabIndex={-1} className="m-review-overlay" data-testid="viewer" role="dialog" aria-modal="true" aria-label="Variation viewer" data-variation-id={variation.id}>
      <div className="m-review-main">
        <header className="m-review-head">
          <VersionTag n={variation.version} testId="viewer-version" />
          <span className="m-review-title">{variation.label}</span>
          {lineage}
          <ProvenanceTags tags={variation.referenceTags} />
          <ReviewStateBadge state={reviewState} />
          <span className="m-review-head-spacer" />
          {api.downloadHref && variation.assetSha256 && <DownloadLink href={api.downloadHref(variation.assetSha256)} />}
          {canDecide && api.decide && (
            <span className="m-review-decide">
              {decision.error && !noteFor && <span className="m-inline-error" role="alert" data-testid="decision-error">{decision.error}</span>}
              <button type="button" className="m-btn m-btn-sm m-btn-warn" data-testid="request-changes" aria-expanded={noteFor === 'changes_requested'} disabled={decision.busy} onClick={() => openNote('changes_requested')}>
                Request changes
              </button>
              <button type="button" className="m-btn m-btn-sm m-btn-ok" data-testid="approve" aria-expanded={noteFor === 'approved'} disabled={decision.busy || reviewState === 'approved'} onClick={() => openNote('approved')}>
                ✓ Approve
              </button>
            </span>
          )}
          <button type="button" className="m-btn m-btn-sm m-btn-ghost" aria-label="Keyboard shortcuts" data-testid="viewer-help" onClick={() => setHelp((h) => !h)}>?</button>
          <button type="button" className="m-btn m-btn-sm m-btn-ghost" aria-label="Close viewer" data-testid="viewer-close" onClick={onClose}>✕</button>
        </header>
        {noteFor && (
          <form
            className="m-decision-form"
            data-testid="decision-form"
            data-decision={noteFor}
            onSubmit={(e) => {
              e.preventDefault()
              void decide(noteFor)
            }}
          >
            <label htmlFor="decision-note">{noteFor === 'changes_requested' ? 'What should change? (required)' : 'Add a note to the approval (optional)'}</label>
            <textarea
              id="decision-note"
              data-testid="decision-note"
              autoFocus
              maxLength={2000}
              value={note}
              required={noteFor === 'changes_requested'}
              placeholder={noteFor === 'changes_requested' ? 'e.g. Warmer light on the water, and hold the last frame longer' : 'e.g. Ready for the client'}
              onChange={(e) => {
                setNote(e.target.value)
                setDecision((s) => ({ ...s, error: null }))
              }}
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  e.stopPropagation()
                  setNoteFor(null)
                } else if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
                  e.preventDefault()
                  void decide(noteFor)
                }
              }}
            />
            <div className="m-decision-actions">
              {decision.error && <span className="m-inline-error" role="alert" data-testid="decision-error">{decision.error}</span>}
              <span className="m-hint">⌘/Ctrl + Enter</span>
              <button type="button" className="m-btn m-btn-sm m-btn-ghost" onClick={() => setNoteFor(null)}>Cancel</button>
              <button type="submit" className={`m-btn m-btn-sm ${noteFor === 'approved' ? 'm-btn-ok' : 'm-btn-warn'}`} data-testid="decision-submit" disabled={decision.busy || (noteFor === 'changes_requested' && note.trim().length === 0)}>
                {decision.busy ? 'Saving…' : noteFor === 'approved' ? 'Approve' : 'Request changes'}
              </button>
            </div>
          </form>
        )}
        <div className="m-review-stage" ref={stageRef}>
          {/* Always mounted: the player binds to the element once; until measured it is hidden. */}
          {(
            <div className="m-review-frame" style={box ? { left: box.left, top: box.top, width: box.width, height: box.height } : { visibility: 'hidden' }}>
              <ReviewVideo variation={variation} api={api} videoRef={video} testId="viewer-video" onAspect={setAspect} onClick={() => tool === 'none' && player.toggle()} />
              <RegionLayer
                tool={tool}
                shown={shown}
                onDrawn={(r) => {
                  setRegion(r)
                  setTool('none')
                }}
              />
            </div>
          )}
          {help && <ShortcutHelp onClose={() => setHelp(false)} />}
        </div>
        <div className="m-review-tools">
          <span className="m-tool-group" role="toolbar" aria-label="Region tools">
            {TOOLS.map((t) => (
              <button
                key={t.tool}
                type="button"
                className={`m-tool${tool === t.tool ? ' m-tool-active' : ''}`}
                title={t.label}
                aria-pressed={tool === t.tool}
                data-testid={`tool-${t.tool}`}
                onClick={() => {
                  setTool(t.tool)
                  if (t.tool !== 'none') player.pause()
                }}
              >
                {t.icon}
              </button>
            ))}
          </span>
          <span className="m-hint">{tool !== 'none' ? 'Drag on the frame to draw' : region ? 'Region attached to your comment' : 'Draw a region to point at something'}</span>
        </div>
        <div className="m-review-transport">
          <button type="button" className="m-btn m-btn-sm" data-testid="play-toggle" aria-label={player.paused ? 'Play' : 'Pause'} onClick={player.toggle}>
            {player.paused ? '▶' : '❚❚'}
          </button>
          <button type="button" className="m-btn m-btn-sm m-btn-ghost" aria-label="Previous frame" onClick={() => player.step(-1)}>‹</button>
          <button type="button" className="m-btn m-btn-sm m-btn-ghost" aria-label="Next frame" onClick={() => player.step(1)}>›</button>
          <span className="m-timecode" data-testid="timecode">{timecode(player.time)}</span>
          <ScrubBar time={player.time} duration={player.duration} marks={marks} range={range} onSeek={player.seek} onMark={(id) => { const c = comments?.find((x) => x.id === id); if (c) selectThread(c) }} />
          <span className="m-hint m-timecode">{shortTime(player.duration)}</span>
        </div>
        {versions}
      </div>
      {side === 'activity' && api.activity ? (
        <ActivityPanel api={{ activity: api.activity }} variationId={variation.id} shotId={variation.shotId} liveKey={`${liveKey ?? ''}:${variation.reviewState}:${decided}:${comments?.length ?? 0}`} tabs={sideTabs} />
      ) : (
      <CommentsPanel
        tabs={sideTabs}
        comments={comments}
        loadError={loadError}
        selectedId={selectedId}
        onSelect={selectThread}
        canResolve={(c) => !!api.setResolved && (canModerate || (userId !== null && c.author.id === userId))}
        onResolve={resolve}
        draft={draft}
        body={shared ? body : undefined}
        setDraft={(d) => {
          setDraft(d)
          setSubmitError(null)
        }}
        attachment={attachment}
        onSubmit={() => void submit()}
        submitting={submitting}
        submitError={submitError}
        members={members}
        onEditFromComment={onEditFromComment}
      />
      )}
    </div>
  )
}
