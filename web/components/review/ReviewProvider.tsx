'use client'

import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react'
import { useValue, type Editor, type TLShape } from 'tldraw'
import { modelLabel, roleCan, type TRole } from '@montage/core'
import { Compare } from './Compare'
import { ReviewContext, type TReviewContext } from './ReviewContext'
import { memberReviewApi, type TReviewComment, type TThreadSummary } from './review-client'
import { EditFromComment } from './EditFromComment'
import { VersionStrip } from './VersionStrip'
import { Lineage } from './Lineage'
import { Viewer } from './Viewer'
import type { TViewerVariation } from './viewer-variation'
import type { TReviewState } from './ReviewStateBadge'
import './review.css'

type TOpen =
  | { kind: 'viewer'; variationId: string; threadId: string | null; time: number | null }
  | { kind: 'compare'; a: string; b: string }

interface TVariationLike {
  id: string
  type: string
  props: { status: string; assetSha256: string; proxySha256?: string; posterSha256: string; durationSeconds: number; reviewState: TReviewState; model: string; shotId: string; referenceTags?: string[]; version: number }
}

function asVariation(shape: TLShape | undefined): TVariationLike | null {
  return shape && shape.type === 'variation' ? (shape as unknown as TVariationLike) : null
}

function toViewer(v: TVariationLike, editor: Editor): TViewerVariation {
  const shot = v.props.shotId ? editor.getShape(v.props.shotId as TLShape['id']) : undefined
  const title = (shot?.props as { title?: string } | undefined)?.title
  return {
    id: v.id,
    assetSha256: v.props.assetSha256,
    proxySha256: v.props.proxySha256 ?? '',
    posterSha256: v.props.posterSha256,
    durationSeconds: v.props.durationSeconds,
    reviewState: v.props.reviewState,
    referenceTags: v.props.referenceTags ?? [],
    shotId: v.props.shotId || undefined,
    label: title ? `${title} · ${modelLabel(v.props.model)}` : modelLabel(v.props.model),
    version: v.props.version ?? 0,
  }
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
}

/**
 * Review on the board: opens the viewer (double-click a card, or select it and press Enter) and
 * compare (two selected, C), and keeps approved variations from being deleted.
 */
export function ReviewProvider({ boardId, editor, role, userId, threads, children }: { boardId: string; editor: Editor | null; role: TRole; userId: string; threads: TThreadSummary[]; children: ReactNode }) {
  const [open, setOpen] = useState<TOpen | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [editing, setEditing] = useState<{ variationId: string; comment: TReviewComment } | null>(null)
  const canDecide = roleCan(role, 'review.decide')
  const api = useMemo(() => memberReviewApi(boardId), [boardId])

  const openViewer = useCallback<TReviewContext['openViewer']>((variationId, at) => {
    setOpen({ kind: 'viewer', variationId, threadId: at?.threadId ?? null, time: at?.time ?? null })
  }, [])

  const close = useCallback(() => setOpen(null), [])

  // While the viewer is up, the canvas must not act on Space, arrows or Delete.
  useEffect(() => {
    if (!editor || !open) return
    editor.blur()
    return () => {
      editor.focus()
    }
  }, [editor, open])

  useEffect(() => {
    if (!editor) return
    const off = editor.sideEffects.registerBeforeDeleteHandler('shape', (shape, source) => {
      // Remote deletions already happened elsewhere; refusing them would split this copy from the board.
      if (source !== 'user') return
      const v = asVariation(shape)
      if (v?.props.reviewState === 'approved') {
        setNotice('An approved variation cannot be deleted. Ask a producer to request changes first.')
        return false
      }
    })
    return off
  }, [editor])

  useEffect(() => {
    if (!notice) return
    const t = setTimeout(() => setNotice(null), 5000)
    return () => clearTimeout(t)
  }, [notice])

  useEffect(() => {
    if (!editor) return
    const playable = () => editor.getSelectedShapes().map(asVariation).filter((v): v is TVariationLike => v?.props.status === 'succeeded' && !!v.props.assetSha256)
    const onKey = (e: KeyboardEvent) => {
      if (open || isTyping(e.target) || e.metaKey || e.ctrlKey || e.altKey) return
      if (!editor.getInstanceState().isFocused || editor.getEditingShapeId()) return
      const selected = playable()
      if (e.key === 'Enter' && selected.length === 1 && editor.getSelectedShapeIds().length === 1) {
        e.preventDefault()
        e.stopPropagation()
        openViewer(selected[0]!.id)
      } else if ((e.key === 'c' || e.key === 'C') && !e.shiftKey && selected.length === 2 && editor.getSelectedShapeIds().length === 2) {
        e.preventDefault()
        e.stopPropagation()
        setOpen({ kind: 'compare', a: selected[0]!.id, b: selected[1]!.id })
      }
    }
    // Native video controls swallow pointer events, so a double-click on the card is caught here.
    const onDoubleClick = (e: MouseEvent) => {
      const card = (e.target as HTMLElement | null)?.closest<HTMLElement>('[data-testid=variation][data-status=succeeded]')
      const id = card?.dataset.shapeId
      if (!id || open) return
      e.preventDefault()
      e.stopPropagation()
      openViewer(id)
    }
    // Capture, ahead of the canvas's own shortcuts (C is otherwise free, Enter would do nothing useful).
    window.addEventListener('keydown', onKey, true)
    document.addEventListener('dblclick', onDoubleClick, true)
    return () => {
      window.removeEventListener('keydown', onKey, true)
      document.removeEventListener('dblclick', onDoubleClick, true)
    }
  }, [editor, open, openViewer])

  const viewerVariation = useValue(
    'review viewer variation',
    () => {
      if (!editor || open?.kind !== 'viewer') return null
      const v = asVariation(editor.getShape(open.variationId as TLShape['id']))
      return v ? toViewer(v, editor) : null
    },
    [editor, open],
  )
  const compared = useValue(
    'review compare variations',
    () => {
      if (!editor || open?.kind !== 'compare') return null
      const a = asVariation(editor.getShape(open.a as TLShape['id']))
      const b = asVariation(editor.getShape(open.b as TLShape['id']))
      return a && b ? [toViewer(a, editor), toViewer(b, editor)] as const : null
    },
    [editor, open],
  )

  const selectedPlayable = useValue(
    'review selection',
    () => {
      if (!editor) return [] as string[]
      const shapes = editor.getSelectedShapes()
      const vs = shapes.map(asVariation).filter((v): v is TVariationLike => v?.props.status === 'succeeded' && !!v.props.assetSha256)
      return vs.length === shapes.length ? vs.map((v) => v.id) : []
    },
    [editor],
  )

  const liveKey = open?.kind === 'viewer'
    ? threads.filter((t) => t.variationId === open.variationId).map((t) => `${t.id}:${t.updatedAt}:${t.replies}:${t.resolved}`).sort().join('|')
    : ''

  const context = useMemo<TReviewContext>(() => ({ boardId, editor, threads, canDecide, openViewer }), [boardId, editor, threads, canDecide, openViewer])

  return (
    <ReviewContext.Provider value={context}>
      {children}
      {open?.kind === 'viewer' && viewerVariation && (
        <Viewer
          key={`${open.variationId}:${open.threadId ?? ''}:${open.time ?? ''}`}
          variation={viewerVariation}
          api={api}
          canDecide={canDecide}
          canModerate={roleCan(role, 'comment.moderate')}
          userId={userId}
          initialThreadId={open.threadId}
          initialTime={open.time}
          liveKey={liveKey}
          onClose={close}
          versions={editor && <VersionStrip editor={editor} variationId={open.variationId} onOpen={openViewer} />}
          lineage={editor && <Lineage editor={editor} variationId={open.variationId} onOpen={openViewer} />}
          onEditFromComment={roleCan(role, 'generation.start') ? (comment) => setEditing({ variationId: open.variationId, comment }) : undefined}
        />
      )}
      {editor && editing && open?.kind === 'viewer' && (
        <EditFromComment
          editor={editor}
          variationId={editing.variationId}
          comment={editing.comment}
          onClose={() => setEditing(null)}
          onStarted={() => {
            setEditing(null)
            setNotice('Edit started: it joins this shot\'s versions when it finishes.')
          }}
        />
      )}
      {open?.kind === 'compare' && compared && <Compare a={compared[0]} b={compared[1]} api={api} onClose={close} />}
      {!open && selectedPlayable.length === 2 && (
        <div className="m-review-selectbar">
          <button type="button" className="m-btn m-btn-sm" data-testid="compare-open" onClick={() => setOpen({ kind: 'compare', a: selectedPlayable[0]!, b: selectedPlayable[1]! })}>
            Compare <kbd>C</kbd>
          </button>
        </div>
      )}
      {notice && (
        <div className="m-review-notice" role="alert" data-testid="review-notice">
          {notice}
          <button type="button" className="m-chip-x" aria-label="Dismiss" onClick={() => setNotice(null)}>×</button>
        </div>
      )}
    </ReviewContext.Provider>
  )
}
