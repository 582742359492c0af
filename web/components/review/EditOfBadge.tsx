'use client'

import { useEditor, useValue, type TLShape } from 'tldraw'
import { versionText } from './shot-versions'

/** On an edited variation's card: which version of the shot it was made from ("Edit of v1"). */
export function EditOfBadge({ shape }: { shape: { id: string; props: { shotId: string; parentVariationId: string } } }) {
  const editor = useEditor()
  const parentN = useValue(
    'edit of',
    () => {
      const parent = shape.props.parentVariationId ? editor.getShape(shape.props.parentVariationId as TLShape['id']) : undefined
      return parent?.type === 'variation' ? (parent.props as { version: number }).version : null
    },
    [editor, shape.props.parentVariationId],
  )
  if (!shape.props.parentVariationId) return null
  return (
    <span className="m-edit-of" data-testid="edit-of" title="Made by editing an earlier version of this shot">
      {parentN ? `Edit of ${versionText(parentN)}` : 'Edit'}
    </span>
  )
}
