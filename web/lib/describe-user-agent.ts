/** "Chrome on macOS" from a User-Agent string, for the account page's list of sessions. */
export function describeUserAgent(ua: string | null): string {
  if (!ua) return 'Unknown device'
  const browser =
    /Edg\//.test(ua) ? 'Edge'
    : /Firefox\//.test(ua) ? 'Firefox'
    : /Chrome\/|Chromium\//.test(ua) ? (/HeadlessChrome/.test(ua) ? 'Headless Chrome' : 'Chrome')
    : /Safari\//.test(ua) ? 'Safari'
    : /^node|undici|curl|python|Go-http/i.test(ua) ? 'A script'
    : 'A browser'
  const os =
    /iPhone|iPad/.test(ua) ? 'iOS'
    : /Android/.test(ua) ? 'Android'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS'
    : /Windows/.test(ua) ? 'Windows'
    : /Linux|X11/.test(ua) ? 'Linux'
    : null
  return os ? `${browser} on ${os}` : browser
}
