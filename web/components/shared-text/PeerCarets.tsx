'use client'

import { forwardRef, type ReactNode } from 'react'
import type { TPeerCaret } from './SharedTexts'

/**
 * Other people's carets and selections in a text field: a layer laid out like the field's text
 * (the caller gives it the field's metrics through `className`), with the text invisible, a thin
 * caret in each person's colour and their selection tinted with it.
 */
export const PeerCarets = forwardRef<HTMLDivElement, { value: string; carets: TPeerCaret[]; className: string }>(function PeerCarets({ value, carets, className }, ref) {
  if (carets.length === 0) return null
  const cuts = new Set<number>([0, value.length])
  for (const c of carets) {
    cuts.add(Math.min(c.anchor, value.length))
    cuts.add(Math.min(c.head, value.length))
  }
  const points = [...cuts].sort((a, b) => a - b)
  const parts: ReactNode[] = []
  for (let i = 0; i < points.length; i++) {
    const at = points[i]!
    for (const c of carets) {
      if (Math.min(c.head, value.length) === at) {
        parts.push(<span key={`caret-${c.clientId}`} className="m-peer-caret" style={{ borderColor: c.color }} title={c.name} data-testid="peer-caret" data-name={c.name} />)
      }
    }
    const next = points[i + 1]
    if (next === undefined || next === at) continue
    const owner = carets.find((c) => Math.min(c.anchor, c.head) <= at && Math.max(c.anchor, c.head) >= next)
    const segment = value.slice(at, next)
    parts.push(
      owner ? (
        <span key={`sel-${at}`} className="m-peer-selection" style={{ backgroundColor: `${owner.color}40` }} data-testid="peer-selection">
          {segment}
        </span>
      ) : (
        <span key={`text-${at}`}>{segment}</span>
      ),
    )
  }
  return (
    <div ref={ref} className={`${className} m-peer-carets`} aria-hidden>
      {parts}
      {'\u200b'}
    </div>
  )
})
