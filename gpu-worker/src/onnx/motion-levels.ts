import type { TFrameShape } from './build-relight-graph'

export interface TLevelSize {
  width: number
  height: number
}

/**
 * The pyramid that motion-compensated interpolation works on. Level 2 is the frame in 4×4 blocks
 * (the frame is edge-padded up to whole blocks first), level 3 halves that again. Each full-size
 * output block takes one motion vector, so level 2 is also the grid of the final warp.
 */
export interface TMotionLevels {
  /** The frame padded to whole 4×4 blocks. */
  padded: TLevelSize
  /** ÷4: one pixel per block. */
  l2: TLevelSize
  /** ÷8: where the exhaustive search runs. */
  l3: TLevelSize
}

export function motionLevels({ width, height }: TFrameShape): TMotionLevels {
  const l2 = { width: Math.ceil(width / 4), height: Math.ceil(height / 4) }
  const l3 = { width: Math.ceil(l2.width / 2), height: Math.ceil(l2.height / 2) }
  return { padded: { width: l2.width * 4, height: l2.height * 4 }, l2, l3 }
}
