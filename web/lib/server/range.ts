/** Parses a single-range `Range: bytes=…` header against a file size (RFC 9110 §14.1.2). */
export type TRangeResult = { kind: 'none' } | { kind: 'range'; start: number; end: number } | { kind: 'unsatisfiable' }

export function parseRange(header: string | null, size: number): TRangeResult {
  if (!header) return { kind: 'none' }
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  // Multi-range or another unit: serve the whole file, as servers may.
  if (!m) return header.trim().startsWith('bytes=') && !header.includes(',') ? { kind: 'unsatisfiable' } : { kind: 'none' }
  const [, a, b] = m
  if (a === '' && b === '') return { kind: 'unsatisfiable' }
  if (a === '') {
    const suffix = Number(b)
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(a)
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  if (start >= size || end < start) return { kind: 'unsatisfiable' }
  return { kind: 'range', start, end }
}
