'use client'

import { useEffect, useState } from 'react'
import { useValue, type Editor, type TLShape } from 'tldraw'
import { useBoard } from '@/components/board-context/BoardContext'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import { assetIdOf } from './asset-id-of'
import { createLibraryReference } from './create-library-reference'
import { useLibrary } from './LibraryContext'
import { NewReferenceForm, type TNewReference } from './NewReferenceForm'
import { promoteToReference } from './promote-to-reference'

type TVariation = TLShape<'variation'>
/** Room the "Make reference" form needs, to keep it on screen. */
const POPOVER_W = 300
const POPOVER_H = 300
type TReference = TLShape<'reference'>

/** What "Make reference…" would turn into a library reference. */
type TCandidate =
  | { kind: 'variation'; shape: TVariation; thumbnailSha256: string }
  | { kind: 'media'; shape: TReference; thumbnailSha256: string }

/** The one selected card that can become a reference: a finished variation, or board media not yet in the library. */
function candidateOf(shapes: TLShape[]): TCandidate | null {
  if (shapes.length !== 1) return null
  const shape = shapes[0]!
  // A sound shows nothing a model could follow: no reference is made of it (the server refuses too).
  if ((shape.type === 'variation' || shape.type === 'reference') && String((shape as TReference).props.mimeType).startsWith('audio/')) return null
  if (shape.type === 'variation') {
    const v = shape as TVariation
    if (v.props.status !== 'succeeded' || !(v.props.posterSha256 || v.props.assetSha256)) return null
    return { kind: 'variation', shape: v, thumbnailSha256: v.props.posterSha256 || (v.props.mimeType.startsWith('image/') ? v.props.assetSha256 : '') }
  }
  if (shape.type === 'reference') {
    const r = shape as TReference
    if (r.props.libraryId || !r.props.assetSha256 || r.props.ingest !== 'ready') return null
    return { kind: 'media', shape: r, thumbnailSha256: r.props.posterSha256 || (r.props.mimeType.startsWith('image/') ? r.props.assetSha256 : '') }
  }
  return null
}

/**
 * "Make reference…" under the selected card: a generated variation is promoted in one request;
 * board media is added to the library with its tag and kind.
 */
export function SelectionActions({ editor }: { editor: Editor }) {
  const { boardId, readOnly } = useBoard()
  const library = useLibrary()
  const [formFor, setFormFor] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)

  const candidate = useValue('promote candidate', () => (editor.getInstanceState().isReadonly ? null : candidateOf(editor.getSelectedShapes())), [editor])
  const anchor = useValue(
    'promote anchor',
    () => {
      if (!candidate) return null
      const bounds = editor.getShapePageBounds(candidate.shape.id)
      if (!bounds) return null
      const p = editor.pageToViewport({ x: bounds.minX, y: bounds.maxY })
      const view = editor.getViewportScreenBounds()
      // Under the card, but never off screen: a card that fills the view gets the action inside it.
      return { x: Math.round(Math.min(Math.max(8, p.x), view.w - POPOVER_W - 8)), y: Math.round(Math.min(Math.max(8, p.y + 8), view.h - POPOVER_H - 8)) }
    },
    [editor, candidate],
  )
  const thumbnailUrl = useAssetUrl(candidate?.thumbnailSha256 ?? '')
  const candidateId = candidate?.shape.id ?? null

  useEffect(() => {
    // A different selection closes the form and the confirmation.
    setFormFor(null)
    setDone(null)
  }, [candidateId])

  if (readOnly || !candidate || !anchor) return null

  async function submit(value: TNewReference) {
    if (!candidate) return
    const name = value.name ? { name: value.name } : {}
    if (candidate.kind === 'variation') {
      const reference = await promoteToReference({ boardId, variationId: candidate.shape.id, tag: value.tag, kind: value.kind, ...name })
      setDone(`@${reference.tag} is in the library`)
    } else {
      const assetId = await assetIdOf(boardId, candidate.shape.props.assetSha256)
      const reference = await createLibraryReference(library.workspaceId, { tag: value.tag, kind: value.kind, ...name, assetIds: [assetId] })
      editor.updateShape<TReference>({ id: candidate.shape.id, type: 'reference', props: { tag: reference.tag, kind: reference.kind, libraryId: reference.id } })
      setDone(`@${reference.tag} is in the library`)
    }
    setFormFor(null)
    await library.refresh()
  }

  const initialTag = candidate.kind === 'media' ? candidate.shape.props.tag : ''
  return (
    <div className="m-selection-actions" style={{ left: anchor.x, top: anchor.y }} data-testid="selection-actions" onPointerDown={(e) => e.stopPropagation()}>
      {formFor === candidate.shape.id ? (
        <div className="m-selection-popover">
          <NewReferenceForm
            title={candidate.kind === 'variation' ? 'Make this output a reference' : 'Make this a reference'}
            submitLabel="Make reference"
            thumbnailUrl={thumbnailUrl}
            initial={{ tag: initialTag, kind: candidate.kind === 'media' ? candidate.shape.props.kind : 'character' }}
            onSubmit={submit}
            onCancel={() => setFormFor(null)}
          />
        </div>
      ) : done ? (
        <span className="m-selection-done" data-testid="promote-done">{done}</span>
      ) : (
        <button className="m-btn m-btn-sm" data-testid="make-reference" onClick={() => setFormFor(candidate.shape.id)}>
          Make reference…
        </button>
      )}
    </div>
  )
}
