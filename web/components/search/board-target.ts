import type { Editor, TLShape } from 'tldraw'

export interface TBoardTarget {
  shapeId: string
  threadId?: string | null
  time?: number | null
}

/** The board page opened at a shape (`?focus=`), in the viewer at a thread and time when given. */
export function boardTargetPath(boardId: string, shapeId: string | null, at?: { threadId?: string | null; time?: number | null }): string {
  if (!shapeId) return `/boards/${boardId}`
  const q = new URLSearchParams({ focus: shapeId })
  if (at?.threadId) q.set('thread', at.threadId)
  if (at?.time !== null && at?.time !== undefined) q.set('t', String(at.time))
  return `/boards/${boardId}?${q.toString()}`
}

/** Reads `?focus=&thread=&t=` of the current address; null without a focus. */
export function targetFromLocation(search: string): TBoardTarget | null {
  const q = new URLSearchParams(search)
  const shapeId = q.get('focus')
  if (!shapeId || !shapeId.startsWith('shape:') || shapeId.length > 200) return null
  const t = Number(q.get('t'))
  const threadId = q.get('thread')
  return { shapeId, threadId: threadId && /^[0-9a-f-]{36}$/i.test(threadId) ? threadId : null, time: q.has('t') && Number.isFinite(t) && t >= 0 ? t : null }
}

/**
 * Zooms the canvas to a shape and selects it; a finished variation with a thread or time opens in
 * the viewer there. False when the board holds no such shape.
 */
export function focusTarget(editor: Editor, openViewer: (id: string, at?: { threadId?: string; time?: number | null }) => void, target: TBoardTarget): boolean {
  const shape = editor.getShape(target.shapeId as TLShape['id'])
  if (!shape) return false
  if (editor.getCurrentPageId() !== editor.getAncestorPageId(shape)) editor.setCurrentPage(editor.getAncestorPageId(shape)!)
  const bounds = editor.getShapePageBounds(shape.id)
  editor.select(shape.id)
  if (bounds) editor.zoomToBounds(bounds, { targetZoom: 1, inset: 120, animation: { duration: 200 } })
  const finished = shape.type === 'variation' && (shape.props as { status?: string }).status === 'succeeded'
  if (finished && (target.threadId || (target.time !== null && target.time !== undefined))) {
    openViewer(shape.id, { threadId: target.threadId ?? undefined, time: target.time ?? null })
  }
  return true
}
