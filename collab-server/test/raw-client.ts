import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'

/** A bare client: sends what a test writes and keeps the sync step 2 answers it gets. */
export async function openRaw(port: number, boardId: string, token: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/boards/${boardId}?token=${token}`)
  const answers: Uint8Array[] = []
  const received: Uint8Array[] = []
  ws.on('message', (data: Buffer) => {
    const frame = new Uint8Array(data)
    received.push(frame)
    const d = decoding.createDecoder(frame)
    if (decoding.readVarUint(d) === 0 && decoding.readVarUint(d) === 1) answers.push(decoding.readVarUint8Array(d))
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  return { ws, answers, received, closed }
}

export function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}
/** A sync step 1 frame with this state vector (`[0]`: a client that has nothing). */
export const step1 = (stateVector: Uint8Array) => frame((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, 0), encoding.writeVarUint8Array(e, stateVector)))
/** An awareness frame setting `clientId`'s state (JSON) at `clock`. */
export const presence = (clientId: number, clock: number, state: unknown) =>
  frame((e) => {
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint8Array(e, frame((u) => (encoding.writeVarUint(u, 1), encoding.writeVarUint(u, clientId), encoding.writeVarUint(u, clock), encoding.writeVarString(u, JSON.stringify(state)))))
  })

/** The presence states an awareness frame (type 1) carries, by client id. */
export function presenceIn(frame: Uint8Array): Map<number, string> {
  const out = new Map<number, string>()
  const d = decoding.createDecoder(frame)
  if (decoding.readVarUint(d) !== 1) return out
  const u = decoding.createDecoder(decoding.readVarUint8Array(d))
  for (let n = decoding.readVarUint(u); n > 0; n--) {
    const id = decoding.readVarUint(u)
    decoding.readVarUint(u)
    out.set(id, decoding.readVarString(u))
  }
  return out
}
