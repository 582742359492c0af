'use client'

import { stopEventPropagation } from 'tldraw'

/**
 * A download of one file with its Content Credentials: a plain link the browser saves (the route
 * answers `Content-Disposition: attachment`), so nothing passes through script.
 */
export function DownloadLink({ href, label = 'Download', compact = false }: { href: string; label?: string; compact?: boolean }) {
  return (
    <a
      className={`m-btn m-btn-sm m-btn-ghost m-download${compact ? ' m-download-compact' : ''}`}
      href={href}
      download
      data-testid="download"
      title={`${label} (with Content Credentials)`}
      aria-label={label}
      onPointerDown={stopEventPropagation}
    >
      {compact ? '↓' : `↓ ${label}`}
    </a>
  )
}
