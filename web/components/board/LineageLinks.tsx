'use client'

import { useEditor, useValue, type TLShape } from 'tldraw'

interface TLink {
  id: string
  d: string
  end: { x: number; y: number }
}

interface TBox {
  minX: number
  minY: number
  maxX: number
  maxY: number
}

/** A path from the parent's edge facing the child to the child's facing edge (page space). */
function linkBetween(parent: TBox, child: TBox): Omit<TLink, 'id'> {
  const pc = { x: (parent.minX + parent.maxX) / 2, y: (parent.minY + parent.maxY) / 2 }
  const cc = { x: (child.minX + child.maxX) / 2, y: (child.minY + child.maxY) / 2 }
  const dx = cc.x - pc.x
  const dy = cc.y - pc.y
  // The edits' column runs below the parent; a card moved aside is joined side to side.
  const vertical = Math.abs(dy) >= Math.abs(dx) * 0.6
  if (vertical) {
    const down = dy >= 0
    const a = { x: pc.x, y: down ? parent.maxY : parent.minY }
    const b = { x: cc.x, y: down ? child.minY : child.maxY }
    const k = (b.y - a.y) / 2
    return { d: `M ${a.x} ${a.y} C ${a.x} ${a.y + k}, ${b.x} ${b.y - k}, ${b.x} ${b.y}`, end: b }
  }
  const right = dx >= 0
  const a = { x: right ? parent.maxX : parent.minX, y: pc.y }
  const b = { x: right ? child.minX : child.maxX, y: cc.y }
  const k = (b.x - a.x) / 2
  return { d: `M ${a.x} ${a.y} C ${a.x + k} ${a.y}, ${b.x - k} ${b.y}, ${b.x} ${b.y}`, end: b }
}

/**
 * The lineage links of the current page: a line from each variation to every edit made from it,
 * drawn under the cards by the canvas itself (not a shape: nobody can select, move or delete it),
 * following the cards as they move.
 */
export function LineageLinks() {
  const editor = useEditor()
  const links = useValue(
    'lineage links',
    () => {
      const out: TLink[] = []
      for (const shape of editor.getCurrentPageShapes()) {
        if (shape.type !== 'variation') continue
        const parentId = (shape.props as { parentVariationId?: string }).parentVariationId
        if (!parentId) continue
        const parent = editor.getShape(parentId as TLShape['id'])
        if (!parent || parent.type !== 'variation') continue
        const a = editor.getShapePageBounds(parent)
        const b = editor.getShapePageBounds(shape)
        if (!a || !b) continue
        out.push({ id: shape.id, ...linkBetween(a, b) })
      }
      return out
    },
    [editor],
  )
  if (links.length === 0) return null
  return (
    <svg className="m-lineage-links" aria-hidden data-testid="lineage-links">
      {links.map((l) => (
        <g key={l.id} data-testid="lineage-link" data-child-id={l.id}>
          <path d={l.d} />
          <circle cx={l.end.x} cy={l.end.y} r={4} />
        </g>
      ))}
    </svg>
  )
}
