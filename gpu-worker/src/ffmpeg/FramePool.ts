/** A frame of `bytes` bytes on the JavaScript heap (not zero-filled). */
export const heapFrame = (bytes: number): Uint8Array => new Uint8Array(Buffer.allocUnsafeSlow(bytes).buffer, 0, bytes)

/**
 * Frame buffers of one size, handed out again once given back (up to `keep` spare ones held). The
 * frames come from `allocate`: the heap by default, or a kernel's own memory (KernelWorker), so a
 * reader fills the very bytes the kernel reads.
 *
 * Only a frame this pool lent, and has not had back since, is taken back: giving back a stranger,
 * or the same frame twice, changes nothing (so no frame is ever lent to two holders at once).
 */
export class FramePool {
  private readonly spare: Uint8Array[] = []
  private readonly lent = new WeakSet<Uint8Array>()

  constructor(
    readonly bytes: number,
    private readonly keep = 8,
    private readonly allocate: (bytes: number) => Uint8Array = heapFrame,
  ) {}

  /** A given-back frame, or a new one (not zero-filled: the taker writes every byte before use). */
  take(): Uint8Array {
    const frame = this.spare.pop() ?? this.allocate(this.bytes)
    this.lent.add(frame)
    return frame
  }

  /** A frame this pool lent that nothing holds any more. */
  give(frame: Uint8Array): void {
    if (!this.lent.delete(frame)) return
    if (this.spare.length < this.keep) this.spare.push(frame)
  }
}
