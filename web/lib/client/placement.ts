import type { Editor } from 'tldraw'

const GAP = 24

/**
 * The nearest spot to `preferred` where a `w`×`h` box overlaps no shape on the page: new
 * references and shots never land on top of work already there. Searches rings of candidate
 * positions on a coarse grid around the preferred one.
 */
export function findFreeSpot(editor: Editor, w: number, h: number, preferred: { x: number; y: number }): { x: number; y: number } {
  const occupied = editor
    .getCurrentPageShapes()
    .map((s) => editor.getShapePageBounds(s))
    .filter((b): b is NonNullable<typeof b> => !!b)
  const free = (x: number, y: number) =>
    occupied.every((b) => x + w + GAP <= b.minX || x >= b.maxX + GAP || y + h + GAP <= b.minY || y >= b.maxY + GAP)
  if (free(preferred.x, preferred.y)) return preferred
  const step = 40
  for (let ring = 1; ring < 200; ring++) {
    // Right and below first: the reading direction of a board.
    for (let i = 0; i <= ring; i++) {
      for (const [dx, dy] of [[ring, i], [i, ring], [ring, -i], [-i, ring], [-ring, i], [i, -ring]] as const) {
        const x = preferred.x + dx * step
        const y = preferred.y + dy * step
        if (free(x, y)) return { x, y }
      }
    }
  }
  return preferred
}
