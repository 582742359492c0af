import type { Editor, TLShape } from 'tldraw'
import type { TVariationProps } from '@montage/board/client'
import type { TReviewState } from './ReviewStateBadge'

export interface TShotVersion {
  id: string
  /** The version number the server gave it in its shot (`props.version`); 0 until it has one. */
  n: number
  status: string
  posterSha256: string
  reviewState: TReviewState
  model: string
  /** The version this one is an edit of, if it is still on the board. */
  parent: { id: string; n: number } | null
  /** `v3 · relight of v1`, or `v2`. */
  label: string
}

/** How a version number reads everywhere (cards, viewer, compare, guest page): `v3`, or `New` before it has one. */
export function versionText(n: number): string {
  return n > 0 ? `v${n}` : 'New'
}

/**
 * A shot's variations as a version stack, in version order (unnumbered placeholders last, in
 * z-order). The numbers are the server's, so every collaborator sees the same, and deleting a
 * version leaves the others' numbers as they were.
 */
export function shotVersions(editor: Editor, shotId: string): TShotVersion[] {
  if (!shotId) return []
  const shapes = editor
    .getCurrentPageShapesSorted()
    .filter((s: TLShape) => s.type === 'variation' && (s.props as TVariationProps).shotId === shotId)
  const versionOf = (s: TLShape) => (s.props as TVariationProps).version || Number.MAX_SAFE_INTEGER
  const sorted = shapes.map((s, i) => ({ s, i })).sort((a, b) => versionOf(a.s) - versionOf(b.s) || a.i - b.i).map(({ s }) => s)
  const numberOf = new Map(sorted.map((s) => [s.id as string, (s.props as TVariationProps).version]))
  return sorted.map((s) => {
    const p = s.props as TVariationProps
    const parentN = p.parentVariationId ? numberOf.get(p.parentVariationId) : undefined
    const parent = p.parentVariationId && parentN ? { id: p.parentVariationId, n: parentN } : null
    return {
      id: s.id,
      n: p.version,
      status: p.status,
      posterSha256: p.posterSha256,
      reviewState: p.reviewState,
      model: p.model,
      parent,
      label: parent ? `${versionText(p.version)} · ${p.model} of v${parent.n}` : versionText(p.version),
    }
  })
}

/** A variation's place in its lineage: what it was edited from and what was edited from it, with their numbers. */
export interface TLineage {
  parent: { id: string; n: number } | null
  children: { id: string; n: number }[]
}

/**
 * Walks one step both ways from a variation: its parent (`parentVariationId`, if still on the board)
 * and its edits (every variation naming it as parent), the edits in version order.
 */
export function lineageOf(editor: Editor, variationId: string): TLineage {
  const shape = editor.getShape(variationId as TLShape['id'])
  if (!shape || shape.type !== 'variation') return { parent: null, children: [] }
  const parentId = (shape.props as TVariationProps).parentVariationId
  const parentShape = parentId ? editor.getShape(parentId as TLShape['id']) : undefined
  const parent = parentShape?.type === 'variation' ? { id: parentShape.id as string, n: (parentShape.props as TVariationProps).version } : null
  const children = editor
    .getCurrentPageShapes()
    .filter((s) => s.type === 'variation' && (s.props as TVariationProps).parentVariationId === variationId)
    .map((s) => ({ id: s.id as string, n: (s.props as TVariationProps).version }))
    .sort((a, b) => (a.n || Number.MAX_SAFE_INTEGER) - (b.n || Number.MAX_SAFE_INTEGER))
  return { parent, children }
}
