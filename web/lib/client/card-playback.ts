/**
 * How many cards' clips play on a board at once. Every playing card decodes video: seven of them
 * kept a headless browser at about half a core. A card that starts playing (it just landed, or
 * someone pressed play) takes a place, and past the limit the card that has played longest stops
 * and shows its poster, scrubbed under the pointer.
 */
export const MAX_PLAYING_CARDS = 4

const playing: { key: symbol; stop: () => void }[] = []

/** Takes a place among the playing cards; `stop` is called if the card must give it up. Returns the release. */
export function claimPlayback(stop: () => void): () => void {
  const key = Symbol('card')
  playing.push({ key, stop })
  while (playing.length > MAX_PLAYING_CARDS) playing.shift()!.stop()
  return () => {
    const i = playing.findIndex((p) => p.key === key)
    if (i >= 0) playing.splice(i, 1)
  }
}
