import * as encoding from 'lib0/encoding'
import { MESSAGE_SYNC, SYNC_UPDATE } from './decode-client-message'

/** The largest payload whose length fits the two-byte form (RFC 6455 §5.2: 126 then 16 bits). */
const MAX_16_BIT_LENGTH = 0xffff

/**
 * A message as it goes on the wire: one WebSocket frame (RFC 6455 §5.2: final, binary, unmasked,
 * as a server's frames are), built once for all its receivers and written to each socket as it is.
 * `ws` would frame the message again for every receiver (a header of its own and a two-part write
 * each), and a board's broadcast is one send per client. The server never compresses nor sends
 * blobs, so `ws` writes every message of its own to the socket at once, in order; frames written
 * beside it keep that order (`BoardConnection.sendFrames`).
 */
export class WireFrame {
  /** The WebSocket message as `ws.send` would take it. */
  readonly payload: Uint8Array

  private constructor(
    /** The whole frame: header, then the payload. */
    readonly bytes: Buffer,
    headerBytes: number,
  ) {
    this.payload = bytes.subarray(headerBytes)
  }

  /** The frame of `message` (copied once, after the header). */
  static of(message: Uint8Array): WireFrame {
    const frame = WireFrame.allocate(message.byteLength)
    frame.payload.set(message)
    return frame
  }

  /**
   * The frame of a y-websocket sync update message carrying `update` (what `updateFrame` encodes):
   * only the message's few leading bytes are encoded apart, the update is copied once, into the
   * frame.
   */
  static ofUpdate(update: Uint8Array): WireFrame {
    const head = encoding.encode((e) => {
      encoding.writeVarUint(e, MESSAGE_SYNC)
      encoding.writeVarUint(e, SYNC_UPDATE)
      encoding.writeVarUint(e, update.byteLength)
    })
    const frame = WireFrame.allocate(head.byteLength + update.byteLength)
    frame.payload.set(head)
    frame.payload.set(update, head.byteLength)
    return frame
  }

  private static allocate(payloadBytes: number): WireFrame {
    const headerBytes = payloadBytes <= 125 ? 2 : payloadBytes <= MAX_16_BIT_LENGTH ? 4 : 10
    // Its own memory, not a slice of Node's shared pool: a frame kept by a slow socket's queue
    // would otherwise keep the pool's other 8 KiB alive with it.
    const bytes = Buffer.allocUnsafeSlow(headerBytes + payloadBytes)
    bytes[0] = 0x82 // FIN, binary
    if (headerBytes === 2) bytes[1] = payloadBytes
    else if (headerBytes === 4) {
      bytes[1] = 126
      bytes.writeUInt16BE(payloadBytes, 2)
    } else {
      bytes[1] = 127
      bytes.writeUInt32BE(Math.floor(payloadBytes / 2 ** 32), 2)
      bytes.writeUInt32BE(payloadBytes % 2 ** 32, 6)
    }
    return new WireFrame(bytes, headerBytes)
  }
}
