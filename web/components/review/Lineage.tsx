'use client'

import { useValue, type Editor } from 'tldraw'
import { lineageOf, versionText } from './shot-versions'

/**
 * The viewer's lineage links: "Edit of v4" opens the version this one was edited from, "Edits: v6,
 * v7" open the versions edited from this one, so a lineage can be walked both ways.
 */
export function Lineage({ editor, variationId, onOpen }: { editor: Editor; variationId: string; onOpen: (variationId: string) => void }) {
  const lineage = useValue('lineage', () => lineageOf(editor, variationId), [editor, variationId])
  if (!lineage.parent && lineage.children.length === 0) return null
  return (
    <nav className="m-lineage" aria-label="Lineage" data-testid="lineage">
      {lineage.parent && (
        <button type="button" className="m-lineage-link" data-testid="lineage-parent" data-variation-id={lineage.parent.id} onClick={() => onOpen(lineage.parent!.id)}>
          Edit of {versionText(lineage.parent.n)}
        </button>
      )}
      {lineage.children.length > 0 && (
        <span className="m-lineage-children">
          <span className="m-hint">Edits:</span>
          {lineage.children.map((c) => (
            <button key={c.id} type="button" className="m-lineage-link" data-testid="lineage-child" data-variation-id={c.id} onClick={() => onOpen(c.id)}>
              {versionText(c.n)}
            </button>
          ))}
        </span>
      )}
    </nav>
  )
}
