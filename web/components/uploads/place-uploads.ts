import { createShapeId, type Editor, type TLShape, type TLShapeId } from 'tldraw'
import { defaultReferenceProps } from '@montage/board/client'
import { mediaCardSize, mediaCardSizeOf, mediaPropsFromAsset, MEDIA_CARD_MAX } from './media-props'
import { uploadAsset } from '@/lib/client/upload-asset'
import type { UploadTracker } from './UploadTracker'

type TReference = TLShape<'reference'>

const GAP = 24

export interface PlaceUploadsOptions {
  editor: Editor
  boardId: string
  tracker: UploadTracker
  files: File[]
  /** Where the files were dropped (page space); the view's centre when pasted. */
  point?: { x: number; y: number }
}

/**
 * Dropped or pasted files: a placeholder card per file at once (in a row from the drop point), each
 * uploaded with its own progress; the upload answer fills the card in, and the ingest workflow
 * finishes it (poster, strip, proxy) through a board command everyone receives.
 */
export async function placeUploads({ editor, boardId, tracker, files, point }: PlaceUploadsOptions): Promise<void> {
  if (files.length === 0 || editor.getInstanceState().isReadonly) return
  const size = mediaCardSize(null, null)
  const origin = point ?? { x: editor.getViewportPageBounds().center.x - (files.length * (MEDIA_CARD_MAX + GAP) - GAP) / 2, y: editor.getViewportPageBounds().center.y - size.h / 2 }
  const placed = files.map((file, i) => ({ file, id: createShapeId() as TLShapeId, x: origin.x + i * (MEDIA_CARD_MAX + GAP), y: origin.y }))

  editor.markHistoryStoppingPoint('upload')
  editor.createShapes<TReference>(
    placed.map(({ id, x, y, file }) => ({
      id,
      type: 'reference',
      x,
      y,
      props: { ...defaultReferenceProps(), ...size, mimeType: file.type, ingest: 'pending' },
    })),
  )
  editor.select(...placed.map((p) => p.id))

  await Promise.all(
    placed.map(async ({ file, id }) => {
      tracker.start(id, file.name)
      // Server outcomes are not the person's edits: keep them out of undo.
      const patch = (props: Partial<TReference['props']>) => {
        if (editor.getShape(id)) editor.run(() => editor.updateShape<TReference>({ id, type: 'reference', props }), { history: 'ignore' })
      }
      try {
        const { asset } = await uploadAsset({ boardId, file, shapeId: id, onProgress: (f) => tracker.progress(id, f) })
        const current = editor.getShape<TReference>(id)
        // Ingest may have finished the card through the board before this answer came: keep its renditions.
        const ingested = current?.props.assetSha256 === asset.sha256 && current.props.ingest !== 'pending'
        patch(ingested ? mediaCardSizeOf(asset) : mediaPropsFromAsset(asset))
        tracker.finish(id)
      } catch (err) {
        tracker.fail(id, err instanceof Error ? err.message : String(err))
        patch({ ingest: 'failed' })
      }
    }),
  )
}
