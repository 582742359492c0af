import { describe, expect, it } from 'vitest'
import { clipAt, crossfadeAt } from '../components/sequence/clip-at'
import type { TClipView } from '../components/sequence/use-sequence-view'

/** Three 48-frame clips: a cut, then a 12-frame crossfade (the second clip starts 12 frames before the first ends). */
const clip = (id: string, recordIn: number, transition: 'cut' | 'crossfade', transitionFrames: number) =>
  ({ id, recordIn, recordOut: recordIn + 48, transition, transitionFrames, inFrame: 0, outFrame: 48 }) as unknown as TClipView
const clips = [clip('shape:a', 0, 'cut', 0), clip('shape:b', 36, 'crossfade', 12), clip('shape:c', 84, 'cut', 0)]

describe('crossfadeAt', () => {
  it('blends the incoming clip over the outgoing one through the transition, and only then', () => {
    expect(crossfadeAt(clips, clipAt(clips, 35), 35)).toBeNull()
    const first = crossfadeAt(clips, clipAt(clips, 36), 36)
    expect(first).toEqual({ outgoing: 0, mix: 1 / 13 })
    const middle = crossfadeAt(clips, clipAt(clips, 42), 42)!
    expect(middle.outgoing).toBe(0)
    expect(middle.mix).toBeGreaterThan(0.5)
    expect(middle.mix).toBeLessThan(0.6)
    expect(crossfadeAt(clips, clipAt(clips, 47), 47)!.mix).toBeLessThan(1)
    expect(crossfadeAt(clips, clipAt(clips, 48), 48)).toBeNull()
    // A cut is never a blend.
    expect(crossfadeAt(clips, clipAt(clips, 84), 84)).toBeNull()
  })
})
