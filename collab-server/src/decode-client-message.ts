import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { readUpdate, type TReadUpdate } from './read-update'

/** y-websocket top-level message types (y-protocols numbering). */
export const MESSAGE_SYNC = 0
export const MESSAGE_AWARENESS = 1
export const MESSAGE_QUERY_AWARENESS = 3

/** y-protocols/sync sub-types. */
export const SYNC_STEP1 = 0
export const SYNC_STEP2 = 1
export const SYNC_UPDATE = 2

/** A sync frame carrying `update`: `SYNC_STEP2` (an answer) or `SYNC_UPDATE` (a change). */
function syncFrame(syncType: typeof SYNC_STEP2 | typeof SYNC_UPDATE, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  encoding.writeVarUint(encoder, syncType)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** A sync step 2 frame: the answer to a client's state vector. */
export const stateFrame = (update: Uint8Array): Uint8Array => syncFrame(SYNC_STEP2, update)
/** A sync update frame: one change of the document. */
export const updateFrame = (update: Uint8Array): Uint8Array => syncFrame(SYNC_UPDATE, update)

export type TClientMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  /** `decoded`: the update as read here (`readUpdate`), for whoever reads its structs next and for applying it. */
  | { type: 'sync-step2' | 'sync-update'; update: Uint8Array; decoded: TReadUpdate }
  | { type: 'awareness'; update: Uint8Array; entries: TAwarenessEntry[] }
  | { type: 'query-awareness' }
  /** A well-formed frame of a type we do not serve (y-websocket's auth message, future types). */
  | { type: 'unknown'; messageType: number }

/** One client's presence in an awareness update: its state as the JSON text it came in, and parsed. */
export interface TAwarenessEntry {
  clientId: number
  clock: number
  state: string
  /** `state` parsed; absent when the text was too long to be parsed here (the room drops it by its size). */
  value?: unknown
}

export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError'
}

/**
 * Decodes and fully validates one client frame before anything is applied, so that a bad frame
 * can be refused as a whole: `Y.applyUpdate` and `applyAwarenessUpdate` would otherwise apply
 * whatever prefix of a corrupt payload they managed to read before throwing.
 */
export interface TDecodeOptions {
  /**
   * Presence states longer than this are not parsed here (parsing megabytes of JSON per frame is
   * the cost to avoid); the room drops such frames by their size before anything reads them.
   */
  maxAwarenessStateBytes?: number
}

export function decodeClientMessage(frame: Uint8Array, opts: TDecodeOptions = {}): TClientMessage {
  try {
    const decoder = decoding.createDecoder(frame)
    const messageType = decoding.readVarUint(decoder)
    let message: TClientMessage
    switch (messageType) {
      case MESSAGE_SYNC: {
        const syncType = decoding.readVarUint(decoder)
        const payload = decoding.readVarUint8Array(decoder)
        if (syncType === SYNC_STEP1) {
          Y.decodeStateVector(payload)
          message = { type: 'sync-step1', stateVector: payload }
        } else if (syncType === SYNC_STEP2 || syncType === SYNC_UPDATE) {
          message = { type: syncType === SYNC_STEP2 ? 'sync-step2' : 'sync-update', update: payload, decoded: readUpdate(payload) }
        } else {
          throw new MalformedMessageError(`unknown sync message type ${syncType}`)
        }
        break
      }
      case MESSAGE_AWARENESS: {
        const update = decoding.readVarUint8Array(decoder)
        message = { type: 'awareness', update, entries: readAwarenessEntries(update, opts.maxAwarenessStateBytes ?? Infinity) }
        break
      }
      case MESSAGE_QUERY_AWARENESS:
        message = { type: 'query-awareness' }
        break
      default:
        return { type: 'unknown', messageType }
    }
    // y-websocket sends exactly one message per frame; trailing bytes mean a corrupt frame.
    if (decoding.hasContent(decoder)) throw new MalformedMessageError('trailing bytes after the message')
    return message
  } catch (e) {
    if (e instanceof MalformedMessageError) throw e
    throw new MalformedMessageError(e instanceof Error ? e.message : String(e))
  }
}

/**
 * Mirrors the layout `applyAwarenessUpdate` reads: count, then (clientID, clock, JSON state) each.
 * States longer than `maxStateBytes` are left unparsed.
 */
export function readAwarenessEntries(update: Uint8Array, maxStateBytes: number): TAwarenessEntry[] {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  const entries: TAwarenessEntry[] = []
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder)
    const clock = decoding.readVarUint(decoder)
    const state = decoding.readVarString(decoder)
    entries.push(state.length <= maxStateBytes ? { clientId, clock, state, value: JSON.parse(state) } : { clientId, clock, state })
  }
  if (decoding.hasContent(decoder)) throw new MalformedMessageError('trailing bytes in awareness update')
  return entries
}
