/** Frame buffers of one size, handed out again once given back (up to `keep` of them held). */
export class FramePool {
  private readonly spare: Uint8Array[] = []

  constructor(
    readonly bytes: number,
    private readonly keep = 8,
  ) {}

  /** A given-back frame, or a new one (not zero-filled: the taker writes every byte before use). */
  take(): Uint8Array {
    return this.spare.pop() ?? new Uint8Array(Buffer.allocUnsafeSlow(this.bytes).buffer, 0, this.bytes)
  }

  /** A frame of this pool's size that nothing holds any more. */
  give(frame: Uint8Array): void {
    if (frame.byteLength === this.bytes && frame.buffer.byteLength === this.bytes && this.spare.length < this.keep) this.spare.push(frame)
  }
}
