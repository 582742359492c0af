/**
 * Frames as SMPTE timecode, `HH:MM:SS:FF` (what editors and EDLs show), and back. Sequences run at
 * integer rates (24/25/30), so there is no drop-frame to handle.
 */
export function formatTimecode(frames: number, fps: number): string {
  const f = Math.max(0, Math.round(frames))
  const totalSeconds = Math.floor(f / fps)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(Math.floor(totalSeconds / 3600))}:${two(Math.floor(totalSeconds / 60) % 60)}:${two(totalSeconds % 60)}:${two(f % fps)}`
}

/** The same, without the leading zero hours and minutes (`SS:FF`): a clip's length on its block. */
export function shortTimecode(frames: number, fps: number): string {
  return formatTimecode(frames, fps).replace(/^(00:){1,2}/, '')
}

/**
 * Reads what a person typed into a timecode field: `HH:MM:SS:FF`, `MM:SS:FF`, `SS:FF`, or a plain
 * number of frames. Null when it is not one of those (the field then keeps its value).
 */
export function parseTimecode(text: string, fps: number): number | null {
  const t = text.trim()
  if (/^\d+$/.test(t)) return Number(t)
  const parts = t.split(/[:;.]/)
  if (parts.length < 2 || parts.length > 4 || parts.some((p) => !/^\d+$/.test(p))) return null
  const [ff = 0, ss = 0, mm = 0, hh = 0] = parts.map(Number).reverse()
  if (ff >= fps || ss >= 60 || mm >= 60) return null
  return ((hh * 60 + mm) * 60 + ss) * fps + ff
}
