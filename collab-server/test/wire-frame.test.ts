import { describe, expect, it } from 'vitest'
import * as ws from 'ws'
import { updateFrame } from '../src/decode-client-message'
import { WireFrame } from '../src/wire-frame'

/** What `ws` itself writes for a server's binary message: its frame header, then the payload. */
function framedByWs(payload: Uint8Array): Buffer {
  const parts = ((ws as unknown as { Sender: unknown }).Sender as { frame(data: Buffer, options: object): Buffer[] }).frame(Buffer.from(payload), { fin: true, opcode: 2, mask: false, readOnly: false, rsv1: false })
  return Buffer.concat(parts)
}

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) % 256)

describe('WireFrame', () => {
  // Each length form of RFC 6455 §5.2 at its edges: 7 bits, 16 bits, 64 bits.
  const lengths = [0, 1, 125, 126, 127, 65_535, 65_536, 200_000]

  it('frames a message byte for byte as ws does, at every length form', () => {
    for (const n of lengths) {
      const message = bytes(n)
      const frame = WireFrame.of(message)
      expect(Buffer.compare(frame.bytes, framedByWs(message)), `${n} bytes`).toBe(0)
      expect(Buffer.from(frame.payload).equals(Buffer.from(message))).toBe(true)
    }
  })

  it('builds a sync update message in place, as updateFrame encodes it, framed as ws frames it', () => {
    // Around the varUint's 7-bit steps (127/128, 16383/16384) and the frame's length forms.
    for (const n of [0, 1, 121, 122, 127, 128, 16_383, 16_384, 65_531, 65_532, 200_000]) {
      const update = bytes(n)
      const frame = WireFrame.ofUpdate(update)
      const message = updateFrame(update)
      expect(Buffer.from(frame.payload).equals(Buffer.from(message)), `${n} bytes`).toBe(true)
      expect(Buffer.compare(frame.bytes, framedByWs(message)), `${n} bytes`).toBe(0)
    }
  })
})
