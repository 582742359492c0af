/**
 * Aleph 2's keyframes as the edit menu gathers them: images of the board, each pinned at a place
 * in the clip being edited (a fraction: 0 its first frame, 1 its last). Runway takes up to five.
 */

export const ALEPH2_MAX_KEYFRAMES = 5

export interface TKeyframePick {
  shapeId: string
  assetSha256: string
  /** Where in the clip, 0..1. */
  at: number
}

export interface TAleph2Edit {
  model: 'aleph2'
  prompt: string
  params: { keyframes: number; keyframeAt?: number[] }
  /** The keyframe images in the order of `keyframeAt`: what the server hands Runway after the clip. */
  references: Array<{ shapeId: string; assetSha256: string }>
}

/** Where a newly picked image goes by default: the next of 0, ¼, ½, ¾ and the end. */
export function defaultKeyframeAt(alreadyPicked: number): number {
  return Math.min(1, alreadyPicked / (ALEPH2_MAX_KEYFRAMES - 1))
}

/**
 * The edit request of an Aleph 2 pass with these keyframes: ordered by their place in the clip
 * (Runway reads them in order), or the reason it cannot be sent as it stands.
 */
export function aleph2Edit(prompt: string, picks: readonly TKeyframePick[]): TAleph2Edit | { error: string } {
  if (picks.length > ALEPH2_MAX_KEYFRAMES) return { error: `Aleph 2 takes at most ${ALEPH2_MAX_KEYFRAMES} keyframes; ${picks.length} are picked.` }
  if (picks.some((p) => !Number.isFinite(p.at) || p.at < 0 || p.at > 1)) return { error: 'Each keyframe goes somewhere between the first frame and the last.' }
  const ordered = [...picks].sort((a, b) => a.at - b.at)
  // Runway places one image per moment; two at the same place would be one too many.
  if (ordered.some((p, i) => i > 0 && p.at === ordered[i - 1]!.at)) return { error: 'Two keyframes sit at the same place in the clip; move one of them.' }
  return {
    model: 'aleph2',
    prompt: prompt.trim(),
    params: ordered.length ? { keyframes: ordered.length, keyframeAt: ordered.map((p) => p.at) } : { keyframes: 0 },
    references: ordered.map(({ shapeId, assetSha256 }) => ({ shapeId, assetSha256 })),
  }
}
