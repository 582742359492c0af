/** Where to go after signing in: a path on this site only (never `//host` or a full URL: no open redirect). */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 500) return '/'
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/'
  return next
}
