const PALETTE = ['#7c9cff', '#b48cff', '#ff9f7c', '#4fd18b', '#f2c94c', '#5ad1e6', '#ff7ca8', '#a3d977']

/** A stable colour per user id, shared by avatars and cursors. */
export function colorFor(id: string): string {
  let h = 0
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0
  return PALETTE[h % PALETTE.length]!
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1]![0] : '')).toUpperCase()
}
