/**
 * Whether the client reached us over HTTPS: the web server (`web/server.ts`) sets
 * `X-Forwarded-Proto` from the socket, or from a proxy's header when TRUST_PROXY says to believe it.
 */
export function isHttpsRequest(req: Request): boolean {
  return req.headers.get('x-forwarded-proto')?.split(',').at(-1)?.trim().toLowerCase() === 'https' || new URL(req.url).protocol === 'https:'
}
