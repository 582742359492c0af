import type { WebSocket } from 'ws'

/** RFC 6455 limits a close reason to 123 bytes of UTF-8; `ws` throws on a longer one. */
const MAX_REASON_BYTES = 123

export function closeSocket(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === ws.CLOSING || ws.readyState === ws.CLOSED) return
  let text = reason
  if (Buffer.byteLength(text) > MAX_REASON_BYTES) {
    while (Buffer.byteLength(text + '…') > MAX_REASON_BYTES) text = text.slice(0, -1)
    text += '…'
  }
  ws.close(code, text)
}
