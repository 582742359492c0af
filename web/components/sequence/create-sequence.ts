'use client'

import { createShapeId, type Editor, type TLShape } from 'tldraw'
import { SEQUENCE_SHAPE } from '@montage/board/client'
import { TIMELINE } from '@/components/sequence/SequenceTimeline'
import { findFreeSpot } from '@/lib/client/placement'
import { appendClips } from '@/lib/client/sequence-edits'

type TSequenceShape = TLShape<typeof SEQUENCE_SHAPE>
type TVariation = TLShape<'variation'>

export const SEQUENCE_W = 960
/** The card without audio tracks: head, player and inspector, ruler, picture track, add-track row, foot. */
export const SEQUENCE_H = 48 + 212 + TIMELINE.ruler + TIMELINE.video + TIMELINE.addRow + 12 + 52

/** Adds a sequence in view (below the selection when variations are selected: they become its clips), selected. */
export function createSequenceInView(editor: Editor): void {
  const selected = editor.getSelectedShapes().filter((s): s is TVariation => s.type === 'variation')
  const bounds = editor.getSelectionPageBounds()
  const center = editor.getViewportPageBounds().center
  const preferred = selected.length > 0 && bounds ? { x: bounds.minX, y: bounds.maxY + 64 } : { x: center.x - SEQUENCE_W / 2, y: center.y - SEQUENCE_H / 2 }
  const at = findFreeSpot(editor, SEQUENCE_W, SEQUENCE_H, preferred)
  const id = createShapeId()
  editor.markHistoryStoppingPoint('add sequence')
  editor.run(() => {
    editor.createShape<TSequenceShape>({ id, type: SEQUENCE_SHAPE, ...at })
    const sequence = editor.getShape<TSequenceShape>(id)
    if (sequence && selected.length) appendClips(editor, sequence, selected)
  })
  editor.select(id)
  editor.zoomToSelectionIfOffscreen(64, { animation: { duration: 200 } })
}

