'use client'

import { useState, type FormEvent } from 'react'
import { LIBRARY_REFERENCE_KINDS, ZReferenceTag, type TLibraryReferenceKind } from '@montage/core'
import { ApiRefusal } from '@/lib/client/request-json'

export interface TNewReference {
  tag: string
  kind: TLibraryReferenceKind
  name: string
}

interface Props {
  title: string
  submitLabel: string
  initial?: Partial<TNewReference>
  /** A preview of what becomes the reference. */
  thumbnailUrl?: string
  /** Rejects with an ApiRefusal naming `tag` when the tag is taken. */
  onSubmit: (value: TNewReference) => Promise<void>
  onCancel: () => void
}

/** Why a tag would be refused, in the API's own rule; null when it is fine. */
export function tagProblem(tag: string): string | null {
  if (tag.length === 0) return 'Give it a tag, like hero or red_bottle.'
  const parsed = ZReferenceTag.safeParse(tag)
  return parsed.success ? null : `@${tag} ${parsed.error.issues[0]?.message ?? 'is not a valid tag'}.`
}

/** Tag, kind and name of a new reference: used for uploads, board selections and promoted variations. */
export function NewReferenceForm({ title, submitLabel, initial, thumbnailUrl, onSubmit, onCancel }: Props) {
  const [tag, setTag] = useState(initial?.tag ?? '')
  const [kind, setKind] = useState<TLibraryReferenceKind>(initial?.kind ?? 'character')
  const [name, setName] = useState(initial?.name ?? '')
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [tagError, setTagError] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const problem = tagProblem(tag)

  async function submit(e: FormEvent) {
    e.preventDefault()
    setTouched(true)
    if (problem) return
    setBusy(true)
    setError(null)
    setTagError(null)
    try {
      await onSubmit({ tag, kind, name: name.trim() })
    } catch (err) {
      if (err instanceof ApiRefusal && err.field === 'tag') setTagError(err.message)
      else setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  const shownTagError = tagError ?? (touched && problem ? problem : null)
  return (
    <form className="m-newref" onSubmit={(e) => void submit(e)} data-testid="new-reference-form" onPointerDown={(e) => e.stopPropagation()} onKeyDown={(e) => { e.stopPropagation(); if (e.key === 'Escape') onCancel() }}>
      <div className="m-newref-head">
        {thumbnailUrl && <img className="m-newref-thumb" src={thumbnailUrl} alt="" />}
        <strong>{title}</strong>
      </div>
      <label className="m-newref-field">
        <span className="label">Tag</span>
        <span className={`m-newref-tag${shownTagError ? ' m-newref-invalid' : ''}`}>
          <span className="m-ref-at">@</span>
          <input
            className="input"
            value={tag}
            autoFocus
            maxLength={32}
            placeholder="hero"
            aria-invalid={!!shownTagError}
            data-testid="new-reference-tag"
            onChange={(e) => {
              setTag(e.target.value.toLowerCase().replace(/^@/, '').replace(/\s+/g, '_'))
              setTagError(null)
            }}
            onBlur={() => setTouched(true)}
          />
        </span>
        {shownTagError && <span className="error-text m-newref-error" data-testid="new-reference-tag-error">{shownTagError}</span>}
      </label>
      <div className="m-newref-row">
        <label className="m-newref-field">
          <span className="label">Kind</span>
          <select className="m-select" value={kind} data-testid="new-reference-kind" onChange={(e) => setKind(e.target.value as TLibraryReferenceKind)}>
            {LIBRARY_REFERENCE_KINDS.map((k) => (
              <option key={k} value={k}>{k[0]!.toUpperCase() + k.slice(1)}</option>
            ))}
          </select>
        </label>
        <label className="m-newref-field">
          <span className="label">Name (optional)</span>
          <input className="input" value={name} maxLength={80} placeholder="Detective Mara" onChange={(e) => setName(e.target.value)} />
        </label>
      </div>
      {error && <p className="error-text m-newref-error" role="alert">{error}</p>}
      <div className="m-newref-actions">
        <button type="button" className="m-btn m-btn-ghost" onClick={onCancel}>Cancel</button>
        <button type="submit" className="m-btn m-btn-primary" disabled={busy} data-testid="new-reference-submit">{busy ? 'Saving…' : submitLabel}</button>
      </div>
    </form>
  )
}
