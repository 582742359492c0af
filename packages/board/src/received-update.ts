import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import type * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'

type TUpdateListener = (update: Uint8Array, origin: unknown, doc: Y.Doc, transaction: Y.Transaction) => void

/** A document's listeners by event, as lib0's `ObservableV2` (Y.Doc's base) keeps them. */
function listenersOf(doc: Y.Doc): Map<string, Set<TUpdateListener>> {
  return (doc as unknown as { _observers: Map<string, Set<TUpdateListener>> })._observers
}

function hasPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null
}

/** Whether a transaction added or deleted anything (when Yjs would emit `update` for it). */
function changedAnything(transaction: Y.Transaction): boolean {
  if (transaction.deleteSet.clients.size > 0) return true
  for (const [client, clock] of transaction.afterState) if (clock !== (transaction.beforeState.get(client) ?? 0)) return true
  return false
}

/**
 * Applies an update that arrived from elsewhere (a server's sync step 2 or relayed update), as
 * `Y.applyUpdate` does, except that the document's `update` listeners are handed the received
 * bytes themselves, where Yjs would encode again everything the update added for them. A
 * client's listeners (a provider sending local changes, which skips its own origin; a local
 * store, which keeps the bytes) do not need a new encoding of what they were just sent, and on a
 * first load it costs as much as a third of the apply: a 10,000-shape board is 4.8 MB encoded
 * again, plus its garbage.
 *
 * What the listeners get is at least what Yjs would have given them: the update may also repeat
 * what the document held already, which applying again ignores, or hold structs that wait for
 * missing ones (as they wait here). Where it would be less, Yjs encodes as usual: when the
 * document holds structs that wait already (the update may complete them, and its bytes lack
 * them), or the call is inside a transaction. Changes made by observers during the apply are
 * transactions of their own and reach the listeners encoded by Yjs, as always (after the
 * received update's own call here, where Yjs would call them before).
 */
export function applyReceivedUpdate(doc: Y.Doc, update: Uint8Array, origin: unknown): void {
  const listeners = listenersOf(doc)
  if (!listeners.has('update') || doc._transaction !== null || hasPending(doc)) {
    Y.applyUpdate(doc, update, origin)
    return
  }
  let own: Y.Transaction | null = null
  let held: Set<TUpdateListener> | undefined
  let skipped = false
  const hold = () => {
    held = listeners.get('update')
    listeners.delete('update')
  }
  const giveBack = () => {
    if (!held) return
    // Listeners added while held join those held.
    const added = listeners.get('update')
    if (added) for (const f of added) held.add(f)
    listeners.set('update', held)
    held = undefined
  }
  const onBefore = (transaction: Y.Transaction) => {
    own ??= transaction
  }
  // Emitted just before Yjs checks for `update` listeners: the received update's own transaction
  // finds none; the transactions of observers after it find them again.
  const onCleanup = (transaction: Y.Transaction) => {
    if (transaction === own) {
      skipped = true
      hold()
    } else giveBack()
  }
  doc.on('beforeTransaction', onBefore)
  doc.on('afterTransactionCleanup', onCleanup)
  let failed = false
  try {
    Y.applyUpdate(doc, update, origin)
  } catch (error) {
    failed = true
    throw error
  } finally {
    giveBack()
    doc.off('beforeTransaction', onBefore)
    doc.off('afterTransactionCleanup', onCleanup)
    const transaction = own as Y.Transaction | null
    if (skipped && transaction && changedAnything(transaction)) {
      // A malformed update may have been applied in part: the listeners get what was, encoded
      // (everything after the state before it, and the document's deletions), never bytes that failed to read.
      const given = failed ? Y.encodeStateAsUpdate(doc, Y.encodeStateVector(transaction.beforeState)) : update
      for (const f of [...(listeners.get('update') ?? [])]) f(given, origin, doc, transaction)
    }
  }
}

/**
 * Reads one sync message from the server as y-protocols' `readSyncMessage` does (a sync step 1 is
 * answered into `encoder`; a failed apply is logged, not thrown; an unknown type throws), except
 * that a sync step 2 or update is applied with `applyReceivedUpdate`. Returns the message's type.
 * The browser's provider (`applyServerUpdatesAsReceived` in web) and the bench's client read with it.
 */
export function readSyncMessageAsReceived(decoder: decoding.Decoder, encoder: encoding.Encoder, doc: Y.Doc, origin: unknown): number {
  const type = decoding.readVarUint(decoder)
  switch (type) {
    case syncProtocol.messageYjsSyncStep1:
      syncProtocol.readSyncStep1(decoder, encoder, doc)
      return type
    case syncProtocol.messageYjsSyncStep2:
    case syncProtocol.messageYjsUpdate:
      try {
        applyReceivedUpdate(doc, decoding.readVarUint8Array(decoder), origin)
      } catch (error) {
        // As y-protocols does: a bad update (or a throwing observer) is reported, not fatal to the connection.
        console.error('Caught error while handling a Yjs update', error)
      }
      return type
    default:
      throw new Error(`Unknown sync message type ${type}`)
  }
}
