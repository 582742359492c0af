'use client'

import { DownloadLink } from '@/components/media/DownloadLink'
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { CommentsPanel, type TDraft } from './CommentsPanel'
import { RegionLayer, type TRegionTool, type TShownRegion } from './RegionLayer'
import { ScrubBar, type TScrubMark } from './ScrubBar'
import { ShortcutHelp } from './ShortcutHelp'
import { usePlayer, useFittedBox } from './player'
import { ApiRefusal } from '@/lib/client/request-json'
import { shortTime, timecode, type TDecision, type TMember, type TRegion, type TReviewApi, type TReviewComment } from './review-client'
import { ReviewStateBadge, type TReviewState } from './ReviewStateBadge'
import { ReviewVideo } from './ReviewVideo'
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
export function Viewer({ variation, api, canDecide, canModerate = false, userId = null, initialThreadId = null, initialTime = null, liveKey, onClose, versions, onEditFromComment }: Props) {
  const video = useRef<HTMLVideoElement>(null)
  const stageRef = useRef<HTMLDivElement>(null)
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
  const [draft, setDraft] = useState<TDraft>({ body: '', parentId: null })
  const [submitting, setSubmitting] = useState(false)
  const [submitError, setSubmitError] = useState<string | null>(null)
  const [help, setHelp] = useState(false)
  const [decision, setDecision] = useState<{ state: TReviewState | null; busy: boolean; error: string | null }>({ state: null, busy: false, error: null })
  const reviewState = decision.state ?? variation.reviewState

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
    setDecision((s) => ({ ...s, busy: true, error: null }))
    try {
      await api.decide(variation.id, d)
      setDecision({ state: d, busy: false, error: null })
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

  return (
    <div className="m-review-overlay" data-testid="viewer" role="dialog" aria-label="Variation viewer" data-variation-id={variation.id}>
      <div className="m-review-main">
        <header className="m-review-head">
          <span className="m-review-title">{variation.label}</span>
          <ProvenanceTags tags={variation.referenceTags} />
          <ReviewStateBadge state={reviewState} />
          <span className="m-review-head-spacer" />
          {api.downloadHref && variation.assetSha256 && <DownloadLink href={api.downloadHref(variation.assetSha256)} />}
          {canDecide && api.decide && (
            <span className="m-review-decide">
              {decision.error && <span className="m-inline-error" role="alert" data-testid="decision-error">{decision.error}</span>}
              <button type="button" className="m-btn m-btn-sm m-btn-warn" data-testid="request-changes" disabled={decision.busy || reviewState === 'changes_requested'} onClick={() => void decide('changes_requested')}>
                Request changes
              </button>
              <button type="button" className="m-btn m-btn-sm m-btn-ok" data-testid="approve" disabled={decision.busy || reviewState === 'approved'} onClick={() => void decide('approved')}>
                ✓ Approve
              </button>
            </span>
          )}
          <button type="button" className="m-btn m-btn-sm m-btn-ghost" aria-label="Keyboard shortcuts" data-testid="viewer-help" onClick={() => setHelp((h) => !h)}>?</button>
          <button type="button" className="m-btn m-btn-sm m-btn-ghost" aria-label="Close viewer" data-testid="viewer-close" onClick={onClose}>✕</button>
        </header>
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
      <CommentsPanel
        comments={comments}
        loadError={loadError}
        selectedId={selectedId}
        onSelect={selectThread}
        canResolve={(c) => !!api.setResolved && (canModerate || (userId !== null && c.author.id === userId))}
        onResolve={resolve}
        draft={draft}
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
    </div>
  )
}
