import { describe, expect, it } from 'vitest'
import { MAX_PLAYING_CARDS, claimPlayback } from '../lib/client/card-playback'

describe('claimPlayback', () => {
  it('keeps at most a few cards playing: the one that has played longest stops first, and a released place is free again', () => {
    const stopped: number[] = []
    const releases = Array.from({ length: MAX_PLAYING_CARDS }, (_, i) => claimPlayback(() => stopped.push(i)))
    expect(stopped).toEqual([])
    // One more card lands: the oldest gives up its place.
    const newest = claimPlayback(() => stopped.push(99))
    expect(stopped).toEqual([0])
    // A card that stopped on its own (paused, scrolled away) frees its place: the next claim stops no one.
    releases[1]!()
    const another = claimPlayback(() => stopped.push(100))
    expect(stopped).toEqual([0])
    for (const r of [...releases, newest, another]) r()
  })
})
