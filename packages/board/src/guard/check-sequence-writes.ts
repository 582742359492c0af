import type { TLRecord, TLShape } from '@tldraw/tlschema'
import { SEQUENCE_AUDIO_SHAPE, SEQUENCE_CLIP_SHAPE, SEQUENCE_SHAPE, VARIATION_SHAPE, type TSequenceClipProps, type TSequenceProps, type TVariationProps } from '../shapes'

/**
 * The rules of a sequence's records for a written shape (already valid for the schema), read
 * against the board as it will be after the writes (`after`): a clip or a sound lives only inside
 * a sequence; a clip shows a variation that is on the board; and a clip that enters a sequence
 * marked for delivery (new, moved into it, or pointed at another variation) shows an approved one.
 * A trim or a reorder of a clip already in place is not an entry, so a decision changed later
 * never blocks editing: the canvas shows such a sequence as not deliverable instead.
 */
export function checkSequenceWrite(shape: TLShape, prev: TLShape | undefined, after: (id: string) => TLRecord | undefined): string | null {
  if (shape.type !== SEQUENCE_CLIP_SHAPE && shape.type !== SEQUENCE_AUDIO_SHAPE) return null
  const what = shape.type === SEQUENCE_CLIP_SHAPE ? 'a sequence clip' : 'a sequence sound'
  const parent = after(shape.parentId) as TLShape | undefined
  if (parent?.typeName !== 'shape' || parent.type !== SEQUENCE_SHAPE) return `${shape.id} is ${what} and belongs inside a sequence, not in ${shape.parentId}.`
  if (shape.type !== SEQUENCE_CLIP_SHAPE) return null

  const { variationId } = shape.props as TSequenceClipProps
  const entering = !prev || prev.parentId !== shape.parentId || (prev.props as TSequenceClipProps).variationId !== variationId
  if (!entering) return null
  const variation = after(variationId) as TLShape | undefined
  if (variation?.typeName !== 'shape' || variation.type !== VARIATION_SHAPE) return `${shape.id} shows ${variationId || 'nothing'}, which is not a variation on this board.`
  const sequence = parent.props as TSequenceProps
  const reviewState = (variation.props as Partial<TVariationProps>).reviewState
  if (sequence.delivery && reviewState !== 'approved') {
    return `"${sequence.title || 'This sequence'}" is marked for delivery and takes approved variations only; ${variationId} is ${reviewState === 'changes_requested' ? 'waiting for changes' : 'not approved yet'}.`
  }
  return null
}
