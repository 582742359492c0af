'use client'

import { useEffect } from 'react'
import { useValue, type Editor, type TLShape } from 'tldraw'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import { shotVersions } from './shot-versions'

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
}

function Thumb({ sha256, pending }: { sha256: string; pending: string | null }) {
  const url = useAssetUrl(sha256)
  return (
    <span className="m-version-thumb" style={url ? { backgroundImage: `url(${url})` } : undefined}>
      {pending && <span className="m-version-pending">{pending}</span>}
    </span>
  )
}

const STATE_TEXT = { pending: 'Not reviewed', approved: 'Approved', changes_requested: 'Changes requested' } as const

/**
 * The viewer's version stack: the shot's variations in creation order, each edit naming what it
 * was made from. `[` and `]` step to the previous and next finished version.
 */
export function VersionStrip({ editor, variationId, onOpen }: { editor: Editor; variationId: string; onOpen: (variationId: string) => void }) {
  const versions = useValue(
    'version strip',
    () => {
      const shape = editor.getShape(variationId as TLShape['id'])
      return shotVersions(editor, (shape?.props as { shotId?: string } | undefined)?.shotId ?? '')
    },
    [editor, variationId],
  )

  useEffect(() => {
    const playable = versions.filter((v) => v.status === 'succeeded')
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.metaKey || e.ctrlKey || e.altKey) return
      if (e.key !== '[' && e.key !== ']') return
      const at = playable.findIndex((v) => v.id === variationId)
      const next = playable[at + (e.key === ']' ? 1 : -1)]
      e.preventDefault()
      e.stopPropagation()
      if (at >= 0 && next) onOpen(next.id)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [versions, variationId, onOpen])

  if (versions.length < 2) return null
  return (
    <nav className="m-version-strip" aria-label="Versions of this shot" data-testid="version-strip">
      {versions.map((v) => {
        const ready = v.status === 'succeeded'
        const current = v.id === variationId
        return (
          <button
            key={v.id}
            type="button"
            className={`m-version${current ? ' m-version-current' : ''}`}
            disabled={!ready || current}
            aria-current={current ? 'true' : undefined}
            title={`${v.label} · ${ready ? STATE_TEXT[v.reviewState] : v.status}`}
            data-testid="version"
            data-variation-id={v.id}
            data-parent-id={v.parent?.id ?? ''}
            onClick={() => onOpen(v.id)}
          >
            <Thumb sha256={v.posterSha256} pending={ready ? null : v.status} />
            <span className="m-version-label" data-testid="version-label">
              <span className={`m-version-dot m-version-dot-${v.reviewState}`} aria-hidden />
              {v.label}
            </span>
          </button>
        )
      })}
      <span className="m-hint m-version-keys"><kbd>[</kbd> <kbd>]</kbd></span>
    </nav>
  )
}
