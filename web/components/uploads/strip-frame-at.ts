/** Which strip frame sits under the pointer: floor(x / width × frames), kept inside the strip. */
export function stripFrameAt(fraction: number, frames: number): number {
  return Math.min(frames - 1, Math.max(0, Math.floor(fraction * frames)))
}
