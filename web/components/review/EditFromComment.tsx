'use client'

import { useRef, useState } from 'react'
import type { Editor, TLShape } from 'tldraw'
import { ZRelightPreset, ZRestylePreset, type TEditFocus, type TLocalEditModelId } from '@montage/core'
import { editCost, startEdit } from '@/lib/client/start-edit'
import { shortTime, type TReviewComment } from './review-client'
import { useFocusTrap } from '@/lib/client/use-focus-trap'

type TVariation = TLShape<'variation'>

const words = (id: string) => id.charAt(0).toUpperCase() + id.slice(1).replace(/_/g, ' ')

/** Only the edits that change a frame in place can be confined to a time range and a region. */
const CHOICES: Array<{ label: string; model: TLocalEditModelId; presets: Array<{ label: string; params: Record<string, unknown> }> }> = [
  { label: 'Relight', model: 'relight', presets: ZRelightPreset.options.map((preset) => ({ label: words(preset), params: { preset } })) },
  { label: 'Restyle', model: 'restyle', presets: ZRestylePreset.options.map((preset) => ({ label: words(preset), params: { preset } })) },
]

/** The comment's time range and region as an edit's focus; a comment without a time covers the whole clip. */
export function focusOf(comment: TReviewComment): TEditFocus {
  return {
    startSeconds: comment.timeSeconds ?? 0,
    ...(comment.endSeconds !== null ? { endSeconds: comment.endSeconds } : {}),
    ...(comment.region ? { region: comment.region } : {}),
    commentId: comment.id,
  }
}

function focusText(f: TEditFocus): string {
  const time = f.endSeconds !== undefined ? `${shortTime(f.startSeconds)}–${shortTime(f.endSeconds)}` : `from ${shortTime(f.startSeconds)}`
  return f.region ? `${time} · inside the ${f.region.shape === 'rect' ? 'rectangle' : f.region.shape}` : time
}

/**
 * "Edit from comment": the edit choice prefilled with the comment's time range and region, its text
 * shown as the note. The new variation is an edit of the commented one.
 */
export function EditFromComment({ editor, variationId, comment, onClose, onStarted }: {
  editor: Editor
  variationId: string
  comment: TReviewComment
  onClose: () => void
  onStarted: (newVariationId: string) => void
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const layer = useRef<HTMLDivElement>(null)
  useFocusTrap(layer)
  const parent = editor.getShape<TVariation>(variationId as TVariation['id'])
  const focus = focusOf(comment)

  async function run(model: TLocalEditModelId, params: Record<string, unknown>) {
    if (!parent) return
    setBusy(true)
    setError(null)
    try {
      const started = await startEdit({ editor, parent, model, params, focus })
      if ('variationId' in started) onStarted(started.variationId)
      else setError(started.error)
    } catch {
      setError('Could not start the edit.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="m-efc-backdrop" onClick={onClose}>
      <div ref={layer} tabIndex={-1} className="m-efc" role="dialog" aria-modal="true" aria-label="Edit from comment" data-testid="edit-from-comment" onClick={(e) => e.stopPropagation()}>
        <div className="m-efc-head">
          <span>{busy ? 'Starting edit…' : 'Edit from comment'}</span>
          <button type="button" className="m-chip-x" aria-label="Close" onClick={onClose}>×</button>
        </div>
        <blockquote className="m-efc-note" data-testid="edit-note">
          <span className="m-thread-author">{comment.author.name}</span> {comment.body}
        </blockquote>
        <div className="m-efc-focus" data-testid="edit-focus">Applies to {focusText(focus)}</div>
        {!parent || parent.props.status !== 'succeeded' ? (
          <div className="m-hint">Only a finished variation can be edited.</div>
        ) : (
          CHOICES.map((c) => (
            <div key={c.model} className="m-efc-row">
              <span className="m-efc-label">{c.label}</span>
              <span className="m-efc-chips">
                {c.presets.map((p) => (
                  <button
                    key={p.label}
                    type="button"
                    className="m-btn m-btn-sm"
                    disabled={busy}
                    title={`${p.label} · ${editCost(parent.props.durationSeconds, c.model)} credits`}
                    data-testid={`efc-${c.model}-${String(p.params.preset)}`}
                    onClick={() => void run(c.model, p.params)}
                  >
                    {p.label}
                  </button>
                ))}
              </span>
            </div>
          ))
        )}
        {error && <span className="m-inline-error" role="alert">{error}</span>}
      </div>
    </div>
  )
}
