'use client'

import { useEditor, useValue } from 'tldraw'
import { shotVersions } from './shot-versions'

/** On an edited variation's card: which version of the shot it was made from ("Edit of v1"). */
export function EditOfBadge({ shape }: { shape: { id: string; props: { shotId: string; parentVariationId: string } } }) {
  const editor = useEditor()
  const parentN = useValue(
    'edit of',
    () => (shape.props.parentVariationId ? shotVersions(editor, shape.props.shotId).find((v) => v.id === shape.props.parentVariationId)?.n ?? null : null),
    [editor, shape.props.shotId, shape.props.parentVariationId],
  )
  if (!shape.props.parentVariationId) return null
  return (
    <span className="m-edit-of" data-testid="edit-of" title="Made by editing an earlier version of this shot">
      {parentN ? `Edit of v${parentN}` : 'Edit'}
    </span>
  )
}
