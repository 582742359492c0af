import * as Y from 'yjs'
import type { TDecodedUpdate } from '@montage/board'

/**
 * The JSON-like values (`ContentAny`: every record and meta value of a board) one read of an update
 * found, each with the byte range it was read from.
 */
interface TReadValues {
  /** The update they were read from: only its own values stand in for a read of it. */
  from: Uint8Array
  starts: number[]
  ends: number[]
  values: unknown[]
}

/** A client's update as the server read it on arrival: its structs and delete set, and the values in them. */
export type TReadUpdate = TDecodedUpdate & { values: TReadValues }

/** Handed to the decoder that `Y.decodeUpdateV2` / `Y.applyUpdateV2` construct (both synchronous). */
let handOver: TReadValues | null = null

function takeHandOver(): TReadValues {
  const values = handOver
  handOver = null
  if (!values) throw new Error('read-update: a decoder was made outside readUpdate / applyReadUpdate')
  return values
}

/** Reads updates (v1) as Yjs does, keeping each value it parses with where it lay. */
class RecordingDecoder extends Y.UpdateDecoderV1 {
  private readonly read = takeHandOver()

  override readAny(): unknown {
    const start = this.restDecoder.pos
    const value = super.readAny()
    this.read.starts.push(start)
    this.read.ends.push(this.restDecoder.pos)
    this.read.values.push(value)
    return value
  }
}

/**
 * Reads updates (v1) as Yjs does, but a value at a byte offset the first read recorded is not
 * parsed again: the recorded one is taken and the read moves past its bytes. Same bytes, same
 * value; any value not found where it was recorded is parsed as usual.
 */
class ReplayingDecoder extends Y.UpdateDecoderV1 {
  private readonly read = takeHandOver()
  private next = 0

  override readAny(): unknown {
    const { starts, ends, values } = this.read
    const i = this.next
    if (i < starts.length && starts[i] === this.restDecoder.pos) {
      this.next++
      this.restDecoder.pos = ends[i]!
      return values[i]
    }
    return super.readAny()
  }
}

/**
 * `Y.decodeUpdate`, keeping the values it parsed for `applyReadUpdate`. Values of a board are
 * whole records: parsing them is most of the cost of reading an update, and the server reads each
 * client update twice (checked by the guard, then applied).
 */
export function readUpdate(update: Uint8Array): TReadUpdate {
  const values: TReadValues = { from: update, starts: [], ends: [], values: [] }
  handOver = values
  try {
    return { ...Y.decodeUpdateV2(update, RecordingDecoder), values }
  } finally {
    handOver = null
  }
}

/**
 * `Y.applyUpdate` of an update `readUpdate` read: the document takes the values read then instead
 * of parsing them again. They are the guard's values too: nothing may change them (nothing does:
 * the guard and the document only read them).
 */
export function applyReadUpdate(doc: Y.Doc, update: Uint8Array, read: TReadUpdate, origin: unknown): void {
  if (read.values.from !== update) return Y.applyUpdate(doc, update, origin)
  handOver = read.values
  try {
    Y.applyUpdateV2(doc, update, origin, ReplayingDecoder)
  } finally {
    handOver = null
  }
}
