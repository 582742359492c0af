'use client'

import { useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { stopEventPropagation } from 'tldraw'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import { tagQueryAt, tokenizePrompt } from './prompt-tags'
import { PeerCarets } from '@/components/shared-text/PeerCarets'
import type { TSharedTextBinding } from '@/components/shared-text/useSharedText'
import './library.css'

/** A tag the prompt can name: a reference card on the board or one in the workspace library. */
export interface TTagOption {
  tag: string
  /** An image to show beside the tag; '' for none. */
  thumbnailSha256: string
  source: 'board' | 'library'
  name?: string
  /** The board card, for a board reference. */
  shapeId?: string
}

interface Props {
  value: string
  /** The new value; `caret` is where the edit ended when it is not the field's selection (a picked tag). */
  onChange: (value: string, caret?: number) => void
  /** A shared text the field edits (other people's carets, per-person undo). */
  binding?: TSharedTextBinding
  options: TTagOption[]
  /** After a tag was inserted from the list. */
  onPick?: (option: TTagOption) => void
  disabled?: boolean
  placeholder?: string
  rows?: number
  maxLength?: number
  'data-testid'?: string
}

const MAX_OPTIONS = 8

/**
 * A prompt textarea that knows `@tags`: typing `@` lists matching references with thumbnails
 * (arrows, Enter or Tab to insert, Esc to close); tags are highlighted and unknown ones underlined.
 * The highlight is a mirror layer under a transparent-text textarea, so editing stays native.
 */
export function PromptInput({ value, onChange, options, onPick, disabled, placeholder, rows = 3, maxLength, binding, ...rest }: Props) {
  const input = useRef<HTMLTextAreaElement | null>(null)
  const mirror = useRef<HTMLDivElement>(null)
  const caretLayer = useRef<HTMLDivElement>(null)
  const [query, setQuery] = useState<{ start: number; query: string } | null>(null)
  const [active, setActive] = useState(0)
  // Esc closes the list until the person starts another tag.
  const [dismissedAt, setDismissedAt] = useState<number | null>(null)

  const known = useMemo(() => new Set(options.map((o) => o.tag)), [options])
  const tokens = useMemo(() => tokenizePrompt(value), [value])
  const unknown = tokens.filter((t) => t.tag !== null && !known.has(t.tag)).map((t) => t.tag!)

  const matches = useMemo(() => {
    if (!query) return []
    const q = query.query
    const starts = options.filter((o) => o.tag.startsWith(q))
    const contains = options.filter((o) => !o.tag.startsWith(q) && (o.tag.includes(q) || (o.name ?? '').toLowerCase().includes(q)))
    return [...starts, ...contains].slice(0, MAX_OPTIONS)
  }, [options, query])
  const open = !!query && query.start !== dismissedAt && !disabled

  const readQuery = (text: string, caret: number) => {
    const next = tagQueryAt(text, caret)
    setQuery(next)
    if (!next || next.start !== query?.start || next.query !== query?.query) setActive(0)
    if (next?.start !== dismissedAt) setDismissedAt(null)
  }

  const insert = (option: TTagOption) => {
    const el = input.current
    if (!el || !query) return
    const caret = el.selectionStart ?? value.length
    const before = value.slice(0, query.start)
    const after = value.slice(caret)
    const spaced = after.startsWith(' ') ? '' : ' '
    const next = `${before}@${option.tag}${spaced}${after}`
    const at = before.length + option.tag.length + 1 + spaced.length
    onChange(next, at)
    setQuery(null)
    requestAnimationFrame(() => {
      el.focus()
      el.setSelectionRange(at, at)
    })
    onPick?.(option)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // The canvas has its own shortcuts; keys typed in the prompt are the prompt's.
    e.stopPropagation()
    if (binding?.onKeyDown(e)) return
    if (!open || !query) return
    if (e.key === 'Escape') {
      e.preventDefault()
      setDismissedAt(query.start)
    } else if (matches.length === 0) {
      return
    } else if (e.key === 'ArrowDown') {
      e.preventDefault()
      setActive((a) => (a + 1) % matches.length)
    } else if (e.key === 'ArrowUp') {
      e.preventDefault()
      setActive((a) => (a - 1 + matches.length) % matches.length)
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault()
      insert(matches[Math.min(active, matches.length - 1)]!)
    }
  }

  return (
    <div className="m-prompt">
      <div className="m-prompt-layers">
        <div ref={mirror} className="m-prompt-mirror" aria-hidden data-testid="prompt-highlight">
          {tokens.map((t, i) =>
            t.tag === null ? (
              <span key={i}>{t.text}</span>
            ) : (
              <span key={i} className={known.has(t.tag) ? 'm-prompt-tag' : 'm-prompt-tag-unknown'} data-tag={t.tag} data-known={known.has(t.tag) ? 'true' : 'false'}>
                {t.text}
              </span>
            ),
          )}
          {/* A trailing newline needs something after it to take up its line. */}
          {'\u200b'}
        </div>
        <PeerCarets ref={caretLayer} value={value} carets={binding?.carets ?? []} className="m-prompt-mirror" />
        <textarea
          ref={(el) => {
            input.current = el
            binding?.ref(el)
          }}
          className="m-textarea m-prompt-input"
          value={value}
          rows={rows}
          maxLength={maxLength}
          disabled={disabled}
          placeholder={placeholder}
          spellCheck={false}
          role="combobox"
          aria-expanded={open && matches.length > 0}
          aria-autocomplete="list"
          data-testid={rest['data-testid']}
          onPointerDown={stopEventPropagation}
          onKeyDown={onKeyDown}
          onChange={(e) => {
            onChange(e.target.value, e.target.selectionEnd ?? e.target.value.length)
            readQuery(e.target.value, e.target.selectionStart ?? e.target.value.length)
          }}
          onSelect={(e) => {
            readQuery(e.currentTarget.value, e.currentTarget.selectionStart ?? 0)
            binding?.onSelect()
          }}
          onFocus={() => binding?.onFocus()}
          onBlur={() => {
            setQuery(null)
            binding?.onBlur()
          }}
          onScroll={(e) => {
            if (mirror.current) mirror.current.scrollTop = e.currentTarget.scrollTop
            if (caretLayer.current) caretLayer.current.scrollTop = e.currentTarget.scrollTop
          }}
        />
      </div>
      {unknown.length > 0 && !open && (
        <span className="m-prompt-unknown" data-testid="prompt-unknown-tags">
          No reference tagged {unknown.map((t) => `@${t}`).join(', ')}
        </span>
      )}
      {open && (
        <ul className="m-prompt-menu" role="listbox" data-testid="prompt-tag-menu" onPointerDown={(e) => { e.stopPropagation(); e.preventDefault() }}>
          {matches.length === 0 ? (
            <li className="m-prompt-none">{options.length === 0 ? 'No references yet: add one from the library (L).' : `No reference matches @${query.query}`}</li>
          ) : (
            matches.map((o, i) => <TagOption key={`${o.source}:${o.tag}`} option={o} active={i === active} onHover={() => setActive(i)} onPick={() => insert(o)} />)
          )}
        </ul>
      )}
    </div>
  )
}

function TagOption({ option, active, onHover, onPick }: { option: TTagOption; active: boolean; onHover: () => void; onPick: () => void }) {
  const thumb = useAssetUrl(option.thumbnailSha256)
  return (
    <li className="m-prompt-option" role="option" aria-selected={active} data-testid="prompt-tag-option" data-tag={option.tag} onPointerEnter={onHover} onClick={onPick}>
      {thumb ? <img src={thumb} alt="" draggable={false} /> : <span className="m-prompt-option-empty" />}
      <span className="m-prompt-option-tag">@{option.tag}</span>
      {option.name && <span className="m-hint">{option.name}</span>}
      <span className="m-prompt-option-src">{option.source === 'board' ? 'on board' : 'library'}</span>
    </li>
  )
}
