import * as Y from 'yjs'
import { readUpdate, type TReadUpdate } from './read-update'
import { updateDependencies } from './update-dependencies'

interface Held {
  update: Uint8Array
  /**
   * The update's structs as the frame's decoder read them, kept only until its first check: one
   * that waits gives them up (they take several times its bytes) and is decoded again when ready.
   */
  decoded: TReadUpdate | null
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

  push(update: Uint8Array, decoded: TReadUpdate | null = null): void {
    this.items.push({ update, decoded, needs: null })
    this.heldBytes += update.byteLength
  }

  get length(): number {
    return this.items.length
  }

  get bytes(): number {
    return this.heldBytes
  }

  /**
   * Removes and returns a held update the document now has everything for, decoded; null when
   * none. Throws on an unreadable update.
   */
  takeReady(doc: Y.Doc): { update: Uint8Array; decoded: TReadUpdate } | null {
    for (let i = 0; i < this.items.length; i++) {
      const item = this.items[i]!
      if (!item.needs) {
        item.decoded ??= readUpdate(item.update)
        item.needs = updateDependencies(item.decoded)
      }
      if (!hasAll(doc, item.needs)) {
        item.decoded = null
        continue
      }
      this.items.splice(i, 1)
      this.heldBytes -= item.update.byteLength
      return { update: item.update, decoded: item.decoded ?? readUpdate(item.update) }
    }
    return null
  }
}

function hasAll(doc: Y.Doc, needs: Map<number, number>): boolean {
  for (const [client, state] of needs) if (Y.getState(doc.store, client) < state) return false
  return true
}
