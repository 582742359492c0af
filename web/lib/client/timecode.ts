/**
 * Frames as a timecode a person reads on a timeline, `MM:SS:FF` (hours only past an hour), and
 * back. Sequences run at integer rates (24/25/30), so there is no drop-frame to handle.
 */
export function formatTimecode(frames: number, fps: number): string {
  const f = Math.max(0, Math.round(frames))
  const totalSeconds = Math.floor(f / fps)
  const ff = f % fps
  const ss = totalSeconds % 60
  const mm = Math.floor(totalSeconds / 60) % 60
  const hh = Math.floor(totalSeconds / 3600)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${hh > 0 ? `${two(hh)}:` : ''}${two(mm)}:${two(ss)}:${two(ff)}`
}

/**
 * Reads what a person typed into a timecode field: `MM:SS:FF`, `SS:FF`, `HH:MM:SS:FF`, or a plain
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
