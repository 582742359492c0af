'use client'

import { useEditor, useValue, type TLShape } from 'tldraw'
import { useBoard } from '@/components/board-context/BoardContext'
import { startAssetEdit } from '@/lib/client/start-edit'
import { boardImages, EditMenu } from '@/components/edit/EditMenu'

type TReference = TLShape<'reference'>

/**
 * "Edit" on an upload's card: the same edits as a variation's, of the uploaded bytes themselves (no
 * previz in between). The result goes into an Edits shot the server places beside this card; a
 * composite goes over any other picture or clip on the board, this one being the foreground.
 */
export function ReferenceEditMenu({ shape }: { shape: TReference }) {
  const editor = useEditor()
  const { boardId, readOnly } = useBoard()
  const plates = useValue(
    'composite plates',
    () =>
      editor
        .getCurrentPageShapes()
        .filter((s): s is TReference => s.type === 'reference' && s.id !== shape.id)
        .filter((r) => !!r.props.assetSha256 && (r.props.mimeType.startsWith('image/') || r.props.mimeType.startsWith('video/')))
        .map((r) => ({ shapeId: r.id as string, assetSha256: r.props.assetSha256, tag: r.props.tag })),
    [editor, shape.id],
  )
  const keyframeImages = useValue('keyframe images', () => boardImages(editor.getCurrentPageShapes(), shape.id), [editor, shape.id])
  const { assetSha256, mimeType } = shape.props
  if (readOnly || !boardId || !assetSha256) return null
  // Every edit works on pictures: a sound has none to offer.
  if (!mimeType.startsWith('image/') && !mimeType.startsWith('video/')) return null
  return (
    <EditMenu
      isVideo={mimeType.startsWith('video/')}
      plates={plates}
      noPlates="Add another picture or clip to the board"
      cost={() => null}
      keyframeImages={keyframeImages}
      start={(preset) => startAssetEdit({ editor, boardId, source: { sha256: assetSha256, shapeId: shape.id }, model: preset.model, params: preset.params, prompt: preset.prompt, references: preset.references })}
    />
  )
}
