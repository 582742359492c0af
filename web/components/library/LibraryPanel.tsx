'use client'

import { useEffect, useRef, useState, type DragEvent } from 'react'
import { createShapeId, type Editor, type TLShape } from 'tldraw'
import { LIBRARY_REFERENCE_KINDS, type TAssetView, type TLibraryReference } from '@montage/core'
import { defaultReferenceProps } from '@montage/board/client'
import { mediaCardSize } from '@/components/uploads/media-props'
import { uploadAsset } from '@/lib/client/upload-asset'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import { startAssetEdit } from '@/lib/client/start-edit'
import { EditMenu } from '@/components/edit/EditMenu'
import { assetIdOf } from './asset-id-of'
import { createLibraryReference } from './create-library-reference'
import { useLibrary } from './LibraryContext'
import { NewReferenceForm, type TNewReference } from './NewReferenceForm'
import './library.css'

type TReference = TLShape<'reference'>

/** The drag payload of a library reference on its way to the board. */
const DRAG_TYPE = 'application/x-montage-reference'

const KIND_TITLES: Record<TLibraryReference['kind'], string> = { character: 'Characters', product: 'Products', location: 'Locations', style: 'Styles' }

type TDraft =
  | { from: 'upload'; asset: TAssetView }
  | { from: 'selection'; shapes: TReference[] }

interface Props {
  editor: Editor | null
  boardId: string
  readOnly: boolean
}

/** The workspace's reference library: a right-side drawer (top bar button, shortcut L). */
export function LibraryPanel({ editor, boardId, readOnly }: Props) {
  const library = useLibrary()
  const fileInput = useRef<HTMLInputElement>(null)
  const [draft, setDraft] = useState<TDraft | null>(null)
  const [upload, setUpload] = useState<{ name: string; progress: number } | null>(null)
  const [uploadError, setUploadError] = useState<string | null>(null)
  const [dropping, setDropping] = useState(false)

  useDropReferencesOnCanvas(editor, library.references)

  const selected = useSelectedMedia(editor)
  const draftThumb = useAssetUrl(draft?.from === 'upload' ? draft.asset.posterSha256 ?? (draft.asset.mimeType.startsWith('image/') ? draft.asset.sha256 : '') : '')
  if (!library.open) return null

  async function uploadFile(file: File) {
    setUploadError(null)
    setUpload({ name: file.name, progress: 0 })
    try {
      const { asset } = await uploadAsset({ boardId, file, onProgress: (progress) => setUpload({ name: file.name, progress }) })
      setDraft({ from: 'upload', asset })
    } catch (err) {
      setUploadError(err instanceof Error ? err.message : String(err))
    } finally {
      setUpload(null)
    }
  }

  async function create(value: TNewReference) {
    if (!draft) return
    const assetIds =
      draft.from === 'upload' ? [draft.asset.id] : await Promise.all(draft.shapes.map((s) => assetIdOf(boardId, s.props.assetSha256)))
    const reference = await createLibraryReference(library.workspaceId, { tag: value.tag, kind: value.kind, ...(value.name ? { name: value.name } : {}), assetIds })
    if (draft.from === 'selection' && editor) {
      // The board cards now stand for the library reference and prompts can use its tag.
      editor.updateShapes<TReference>(draft.shapes.map((s) => ({ id: s.id, type: 'reference', props: { tag: reference.tag, kind: reference.kind, libraryId: reference.id } })))
    }
    setDraft(null)
    await library.refresh()
  }

  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    setDropping(false)
    const file = e.dataTransfer.files[0]
    if (file && !readOnly) void uploadFile(file)
  }

  const groups = LIBRARY_REFERENCE_KINDS.map((kind) => ({ kind, items: library.references.filter((r) => r.kind === kind) })).filter((g) => g.items.length > 0)

  return (
    <aside
      className={`m-library${dropping ? ' m-library-dropping' : ''}`}
      data-testid="library-panel"
      aria-label="Reference library"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return
        e.preventDefault()
        setDropping(true)
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropping(false)
      }}
      onDrop={onDrop}
    >
      <header className="m-library-head">
        <div>
          <strong>Library</strong>
          <span className="m-hint"> · {library.references.length} reference{library.references.length === 1 ? '' : 's'}</span>
        </div>
        <button className="m-library-close" aria-label="Close library" title="Close (L)" onClick={() => library.setOpen(false)}>×</button>
      </header>

      {!readOnly && !draft && (
        <div className="m-library-new">
          <input ref={fileInput} type="file" hidden accept="image/png,image/jpeg,image/webp,video/mp4,video/quicktime,video/webm" data-testid="library-file-input" onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void uploadFile(f) }} />
          <button className="m-btn m-btn-primary" data-testid="library-new-upload" disabled={!!upload} onClick={() => fileInput.current?.click()}>New reference from a file</button>
          <button
            className="m-btn"
            data-testid="library-new-selection"
            disabled={selected.length === 0}
            title={selected.length === 0 ? 'Select one to three images on the board first' : undefined}
            onClick={() => setDraft({ from: 'selection', shapes: selected })}
          >
            From selection{selected.length > 0 ? ` (${selected.length})` : ''}
          </button>
        </div>
      )}
      {upload && (
        <div className="m-library-upload" data-testid="library-upload-progress">
          <span className="m-upload-name">{upload.name}</span>
          <span className="m-progress"><span style={{ width: `${Math.round(upload.progress * 100)}%` }} /></span>
        </div>
      )}
      {uploadError && (
        <p className="m-library-error" role="alert" data-testid="library-upload-error">
          {uploadError} <button className="m-link" onClick={() => setUploadError(null)}>Dismiss</button>
        </p>
      )}
      {draft && (
        <NewReferenceForm
          title={draft.from === 'upload' ? 'New reference' : `New reference from ${draft.shapes.length} image${draft.shapes.length === 1 ? '' : 's'}`}
          submitLabel="Add to library"
          initial={draft.from === 'selection' ? { tag: draft.shapes[0]!.props.tag, kind: draft.shapes[0]!.props.kind } : undefined}
          thumbnailUrl={draftThumb}
          onSubmit={create}
          onCancel={() => setDraft(null)}
        />
      )}

      <div className="m-library-body">
        {!library.loaded && (
          <p className="m-library-empty"><span className="m-spinner" /> Loading references…</p>
        )}
        {library.loaded && library.error && (
          <p className="m-library-error" role="alert">
            {library.error} <button className="m-link" onClick={() => void library.refresh()}>Retry</button>
          </p>
        )}
        {library.loaded && !library.error && library.references.length === 0 && (
          <div className="m-library-empty" data-testid="library-empty">
            <strong>No references yet</strong>
            <p>
              A reference is one to three images of a character, product, place or style, with a tag like <code>@hero</code>.
              Type <code>@</code> in a shot&apos;s prompt to use one: every shot that names it stays consistent.
            </p>
            <p className="m-hint">Drop an image here, or select images on the board and choose “From selection”.</p>
          </div>
        )}
        {groups.map((g) => (
          <section key={g.kind} className="m-library-group" data-kind={g.kind}>
            <h3>{KIND_TITLES[g.kind]}</h3>
            <ul>
              {g.items.map((r) => (
                <LibraryItem key={r.id} reference={r} draggable={!readOnly} edit={!readOnly && editor ? { editor, boardId } : null} />
              ))}
            </ul>
          </section>
        ))}
      </div>
      {dropping && <div className="m-library-dropzone">Drop to make a reference</div>}
    </aside>
  )
}

function LibraryItem({ reference, draggable, edit }: { reference: TLibraryReference; draggable: boolean; edit: { editor: Editor; boardId: string } | null }) {
  const first = reference.views[0]
  const thumb = useAssetUrl(first ? first.posterSha256 ?? first.sha256 : '')
  const editable = edit && first && (first.mimeType.startsWith('image/') || first.mimeType.startsWith('video/'))
  return (
    <li
      className="m-library-item"
      data-testid="library-reference"
      data-tag={reference.tag}
      draggable={draggable && !!first}
      title={draggable ? 'Drag onto the board' : undefined}
      onDragStart={(e) => {
        const img = e.currentTarget.querySelector('img')
        e.dataTransfer.setData(DRAG_TYPE, JSON.stringify({ id: reference.id, w: img?.naturalWidth ?? 0, h: img?.naturalHeight ?? 0 }))
        e.dataTransfer.effectAllowed = 'copy'
      }}
    >
      <span className="m-library-thumb">{thumb ? <img src={thumb} alt="" draggable={false} /> : null}</span>
      <span className="m-library-meta">
        <span className="m-library-tag">@{reference.tag}</span>
        {reference.name && <span className="m-library-name">{reference.name}</span>}
      </span>
      <span className="m-hint">{reference.views.length} view{reference.views.length === 1 ? '' : 's'}</span>
      {editable && (
        // Its first view, edited as it is: the result lands in an Edits shot on this board.
        <span className="m-library-edit" data-testid="library-reference-edit">
          <EditMenu
            isVideo={first.mimeType.startsWith('video/')}
            plates={[]}
            noPlates="Composite from a card on the board"
            cost={() => null}
            start={(preset) => startAssetEdit({ editor: edit.editor, boardId: edit.boardId, source: { sha256: first.sha256 }, model: preset.model, params: preset.params, prompt: preset.prompt, references: preset.references })}
          />
        </span>
      )}
    </li>
  )
}

/** Cards selected on the board that can become a library reference: up to 3 with bytes, not in the library yet. */
function useSelectedMedia(editor: Editor | null): TReference[] {
  const [shapes, setShapes] = useState<TReference[]>([])
  useEffect(() => {
    if (!editor) return
    const read = () => {
      const next = editor
        .getSelectedShapes()
        .filter((s): s is TReference => {
          if (s.type !== 'reference') return false
          const { assetSha256, ingest, libraryId } = (s as TReference).props
          return !!assetSha256 && ingest !== 'failed' && !libraryId
        })
        .slice(0, 3)
      setShapes((prev) => (prev.length === next.length && prev.every((p, i) => p === next[i]) ? prev : next))
    }
    read()
    // Selection and the selected cards' own props (one joining the library leaves the list).
    return editor.store.listen(read)
  }, [editor])
  return shapes
}

/** A library reference dragged from the panel lands on the board as a reference card at the drop point. */
function useDropReferencesOnCanvas(editor: Editor | null, references: TLibraryReference[]) {
  const latest = useRef(references)
  latest.current = references
  useEffect(() => {
    if (!editor) return
    const container = editor.getContainer()
    const onDragOver = (e: globalThis.DragEvent) => {
      if (e.dataTransfer?.types.includes(DRAG_TYPE)) {
        e.preventDefault()
        e.stopPropagation()
      }
    }
    const onDrop = (e: globalThis.DragEvent) => {
      const raw = e.dataTransfer?.getData(DRAG_TYPE)
      if (!raw) return
      // Ahead of tldraw's own drop handling, which would read this as text.
      e.preventDefault()
      e.stopPropagation()
      const { id, w, h } = JSON.parse(raw) as { id: string; w: number; h: number }
      const reference = latest.current.find((r) => r.id === id)
      const view = reference?.views[0]
      if (!reference || !view || editor.getInstanceState().isReadonly) return
      const size = mediaCardSize(w || null, h || null)
      const point = editor.screenToPage({ x: e.clientX, y: e.clientY })
      const shapeId = createShapeId()
      editor.markHistoryStoppingPoint('place reference')
      editor.createShape<TReference>({
        id: shapeId,
        type: 'reference',
        x: point.x - size.w / 2,
        y: point.y - size.h / 2,
        props: {
          ...defaultReferenceProps(),
          ...size,
          tag: reference.tag,
          kind: reference.kind,
          libraryId: reference.id,
          assetSha256: view.sha256,
          mimeType: view.mimeType,
          posterSha256: view.posterSha256 ?? '',
          ingest: 'ready',
        },
      })
      editor.select(shapeId)
    }
    container.addEventListener('dragover', onDragOver, true)
    container.addEventListener('drop', onDrop, true)
    return () => {
      container.removeEventListener('dragover', onDragOver, true)
      container.removeEventListener('drop', onDrop, true)
    }
  }, [editor])
}
