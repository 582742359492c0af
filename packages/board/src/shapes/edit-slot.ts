import { VARIATION_FOOTER_H, VARIATION_GAP, VARIATION_SHAPE } from './variation'

/** What placing an edit reads of a card: where it is, on what, and its size when it has one. */
export interface TPlacedCard {
  x: number
  y: number
  parentId: string
  type?: unknown
  props?: unknown
}

/** How tall a card stands on the canvas: a variation's footer sits under its media (`h`). */
function extentOf(card: TPlacedCard): { w: number; h: number } | null {
  const p = card.props as { w?: unknown; h?: unknown } | null | undefined
  if (typeof p?.w !== 'number' || typeof p.h !== 'number') return null
  return { w: p.w, h: p.h + (card.type === VARIATION_SHAPE ? VARIATION_FOOTER_H : 0) }
}

/**
 * Where an edit of `parent` goes: beside the variation it was made from, in that card's column below
 * it (under its footer), at the first place no card on the same page (or parent) covers, so a
 * second edit lands below the first and none overlap. The one rule for both writers: the collab-server, which places an edit
 * a command creates, and the browser, which places the placeholder of an edit a person starts.
 */
export function editSlot(parent: TPlacedCard, size: { w: number; h: number }, cards: Iterable<TPlacedCard>): { x: number; y: number } {
  const others: { x: number; y: number; w: number; h: number }[] = []
  for (const card of cards) {
    if (card.parentId !== parent.parentId) continue
    const extent = extentOf(card)
    if (extent) others.push({ x: card.x, y: card.y, ...extent })
  }
  // The edit is a variation card: its footer counts as much as its media.
  const h = size.h + VARIATION_FOOTER_H
  let y = parent.y + (extentOf(parent)?.h ?? 0) + VARIATION_GAP
  for (let i = 0; i < 1000; i++) {
    const free = !others.some((o) => o.x < parent.x + size.w && parent.x < o.x + o.w && o.y < y + h && y < o.y + o.h)
    if (free) break
    y += h + VARIATION_GAP
  }
  return { x: parent.x, y }
}
