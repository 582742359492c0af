import * as Y from 'yjs'
import { updateDependencies } from './update-dependencies'

interface Held {
  update: Uint8Array
  /** Least state per client the document needs first; read on the first check, then kept. */
  needs: Map<number, number> | null
}

/**
 * One connection's updates that wait for changes the server does not have yet (sent right after a
 * reconnect, before the client answered our sync step 1). Counted in updates and in bytes, so the
 * room can bound both.
 */
export class HeldUpdates {
  private readonly items: Held[] = []
  private heldBytes = 0

  push(update: Uint8Array): void {
    this.items.push({ update, needs: null })
    this.heldBytes += update.byteLength
  }

  get length(): number {
    return this.items.length
  }

  get bytes(): number {
    return this.heldBytes
  }

  /** Removes and returns a held update the document now has everything for; null when none. Throws on an unreadable update. */
  takeReady(doc: Y.Doc): Uint8Array | null {
    for (let i = 0; i < this.items.length; i++) {
      const item = this.items[i]!
      item.needs ??= updateDependencies(item.update)
      if (!hasAll(doc, item.needs)) continue
      this.items.splice(i, 1)
      this.heldBytes -= item.update.byteLength
      return item.update
    }
    return null
  }
}

function hasAll(doc: Y.Doc, needs: Map<number, number>): boolean {
  for (const [client, state] of needs) if (Y.getState(doc.store, client) < state) return false
  return true
}
