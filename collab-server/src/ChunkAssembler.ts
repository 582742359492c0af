export interface TChunkAssemblerOptions {
  /** Bytes held across every message still missing chunks; past it the oldest partial messages are dropped. */
  maxPendingBytes: number
  /** A partial message whose last chunk has not come within this long is dropped. */
  timeoutMs: number
  /** Most chunks one message may announce (bounds the bookkeeping a forged count could ask for). */
  maxChunks: number
}

interface Partial {
  parts: (Uint8Array | undefined)[]
  received: number
  bytes: number
  startedAt: number
}

/**
 * Puts messages that crossed NATS in chunks back together. Bounded: what waits for missing chunks
 * never exceeds `maxPendingBytes`, and a message whose chunks stopped coming is dropped after
 * `timeoutMs`. A dropped message is only a lost relay, which the state-vector exchange repairs.
 */
export class ChunkAssembler {
  private readonly partials = new Map<string, Partial>()
  private pendingBytes = 0

  constructor(private readonly opts: TChunkAssemblerOptions) {}

  /** The whole message once its last chunk is in; null while some are missing or when it was dropped. */
  add(key: string, index: number, count: number, data: Uint8Array, now = Date.now()): Uint8Array | null {
    this.expire(now)
    if (!Number.isInteger(count) || !Number.isInteger(index) || count < 1 || count > this.opts.maxChunks || index < 0 || index >= count) return null
    let partial = this.partials.get(key)
    if (!partial) {
      partial = { parts: new Array<Uint8Array | undefined>(count), received: 0, bytes: 0, startedAt: now }
      this.partials.set(key, partial)
    }
    if (partial.parts.length !== count || partial.parts[index]) return null
    if (partial.bytes + data.byteLength > this.opts.maxPendingBytes) {
      this.drop(key)
      return null
    }
    while (this.pendingBytes + data.byteLength > this.opts.maxPendingBytes) {
      const oldest = this.partials.keys().next().value as string
      this.drop(oldest)
      if (oldest === key) return null
    }
    partial.parts[index] = data
    partial.received++
    partial.bytes += data.byteLength
    this.pendingBytes += data.byteLength
    if (partial.received < count) return null
    this.drop(key)
    const whole = new Uint8Array(partial.bytes)
    let offset = 0
    for (const part of partial.parts) {
      whole.set(part!, offset)
      offset += part!.byteLength
    }
    return whole
  }

  /** Bytes waiting for their message's other chunks. */
  get bytes(): number {
    return this.pendingBytes
  }

  private expire(now: number): void {
    // Insertion order is age order: stop at the first one still in time.
    for (const [key, partial] of this.partials) {
      if (now - partial.startedAt < this.opts.timeoutMs) break
      this.drop(key)
    }
  }

  private drop(key: string): void {
    const partial = this.partials.get(key)
    if (!partial) return
    this.pendingBytes -= partial.bytes
    this.partials.delete(key)
  }
}
