import type { Editor, TLShape } from 'tldraw'
import type { TVariationProps } from '@montage/board/client'
import type { TReviewState } from './ReviewStateBadge'

export interface TShotVersion {
  id: string
  /** 1-based, in creation order within the shot. */
  n: number
  status: string
  posterSha256: string
  reviewState: TReviewState
  model: string
  /** The version this one is an edit of, if any. */
  parent: { id: string; n: number } | null
  /** `v3 · relight of v1`, or `v2`. */
  label: string
}

/**
 * A shot's variations as a version stack: creation order is the shapes' z-order (tldraw gives each
 * new shape the top index of its parent), which every collaborator sees the same.
 */
export function shotVersions(editor: Editor, shotId: string): TShotVersion[] {
  if (!shotId) return []
  const shapes = editor
    .getCurrentPageShapesSorted()
    .filter((s: TLShape) => s.type === 'variation' && (s.props as TVariationProps).shotId === shotId)
  const numberOf = new Map(shapes.map((s, i) => [s.id as string, i + 1]))
  return shapes.map((s, i) => {
    const p = s.props as TVariationProps
    const parentN = p.parentVariationId ? numberOf.get(p.parentVariationId) : undefined
    const parent = p.parentVariationId && parentN ? { id: p.parentVariationId, n: parentN } : null
    return {
      id: s.id,
      n: i + 1,
      status: p.status,
      posterSha256: p.posterSha256,
      reviewState: p.reviewState,
      model: p.model,
      parent,
      label: parent ? `v${i + 1} · ${p.model} of v${parent.n}` : `v${i + 1}`,
    }
  })
}
