'use client'

import { useRef, useState, type ChangeEvent } from 'react'
import { createShapeId, useEditor, type TLShape } from 'tldraw'
import { createShotInView } from '@/components/shapes/ShotShapeUtil'
import { createSequenceInView } from '@/components/sequence/create-sequence'
import { findFreeSpot } from '@/lib/client/placement'
import { tagFromFileName } from '@/lib/client/assets'
import { uploadAsset } from '@/lib/client/upload-asset'
import { useBoard } from '@/components/board-context/BoardContext'

type TReference = TLShape<'reference'>
const REF_MAX = 280

/** The floating "Add reference / Add shot / Add sequence" bar at the top of the canvas. */
export function BoardActions() {
  const editor = useEditor()
  const { boardId, readOnly } = useBoard()
  const input = useRef<HTMLInputElement>(null)
  const [upload, setUpload] = useState<{ name: string; progress: number } | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0]
    e.target.value = ''
    if (!file) return
    setError(null)
    setUpload({ name: file.name, progress: 0 })
    try {
      const { asset } = await uploadAsset({ boardId, file, onProgress: (progress) => setUpload({ name: file.name, progress }) })
      const scale = Math.min(1, REF_MAX / Math.max(asset.width ?? 0, asset.height ?? 0))
      const w = Math.max(40, Math.round((asset.width ?? 0) * scale))
      const h = Math.max(40, Math.round((asset.height ?? 0) * scale))
      const center = editor.getViewportPageBounds().center
      const at = findFreeSpot(editor, w, h, { x: center.x - w / 2, y: center.y - h / 2 })
      const id = createShapeId()
      editor.createShape<TReference>({
        id,
        type: 'reference',
        ...at,
        props: { w, h, tag: tagFromFileName(file.name), kind: 'character', assetSha256: asset.sha256, mimeType: asset.mimeType },
      })
      editor.select(id)
      // A free spot may lie outside the view: bring the new card into sight.
      editor.zoomToSelectionIfOffscreen(64, { animation: { duration: 200 } })
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setUpload(null)
    }
  }

  if (readOnly) {
    return (
      <div className="m-actions">
        <span className="m-hint" style={{ padding: '0 8px' }}>View only: as a reviewer you can watch every change, not edit.</span>
      </div>
    )
  }

  return (
    <div className="m-actions" onPointerDown={(e) => e.stopPropagation()}>
      <input ref={input} type="file" accept="image/png,image/jpeg,image/webp,image/*" hidden data-testid="reference-file-input" onChange={(e) => void onFile(e)} />
      <button className="m-btn" onClick={() => input.current?.click()} disabled={!!upload} data-testid="add-reference">
        <PlusIcon /> Add reference
      </button>
      <button className="m-btn" onClick={() => createShotInView(editor)} data-testid="add-shot">
        <PlusIcon /> Add shot
      </button>
      <button className="m-btn" onClick={() => createSequenceInView(editor)} data-testid="add-sequence" title="Add sequence (Shift+S): the selected variations become its clips">
        <PlusIcon /> Add sequence
      </button>
      {upload && (
        <div className="m-upload" data-testid="upload-progress">
          <span className="m-upload-name">{upload.name}</span>
          <span className="m-progress"><span style={{ width: `${Math.round(upload.progress * 100)}%` }} /></span>
          <span className="m-hint">{Math.round(upload.progress * 100)}%</span>
        </div>
      )}
      {error && (
        <span className="m-action-error" role="alert" data-testid="upload-error">
          {error}
          <button className="m-link" onClick={() => setError(null)}>Dismiss</button>
        </span>
      )}
    </div>
  )
}

function PlusIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden>
      <path d="M6 1v10M1 6h10" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </svg>
  )
}
