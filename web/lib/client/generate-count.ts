import type { TLShape } from 'tldraw'

/** How many variations one Generate can make: the shot card's ×1 / ×2 / ×4. */
export const GENERATE_COUNTS = [1, 2, 4] as const
export type TGenerateCount = (typeof GENERATE_COUNTS)[number]

/** The shot's chosen count, kept in its `meta` (a card setting, not a model parameter); 1 when unset. */
export function generateCountOf(shot: Pick<TLShape<'shot'>, 'meta'>): TGenerateCount {
  const n = (shot.meta as { generateCount?: unknown } | undefined)?.generateCount
  return GENERATE_COUNTS.find((c) => c === n) ?? 1
}
