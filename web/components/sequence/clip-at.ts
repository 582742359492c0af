import type { TClipView } from './use-sequence-view'

/** The clip that shows at `frame`: the last one starting at or before it (during a crossfade, the incoming clip). */
export function clipAt(clips: TClipView[], frame: number): number {
  let at = 0
  for (const [i, c] of clips.entries()) if (c.recordIn <= frame) at = i
  return at
}

/**
 * Where a crossfade is at `frame`: the outgoing clip's index and how far the incoming one (`at`)
 * has faded in (0 → 1), or null outside a crossfade. The outgoing clip keeps playing underneath,
 * as the render blends them.
 */
export function crossfadeAt(clips: TClipView[], at: number, frame: number): { outgoing: number; mix: number } | null {
  const clip = clips[at]
  if (!clip || at === 0 || clip.transition !== 'crossfade' || clip.transitionFrames <= 0) return null
  const into = frame - clip.recordIn
  if (into < 0 || into >= clip.transitionFrames) return null
  return { outgoing: at - 1, mix: (into + 1) / (clip.transitionFrames + 1) }
}
