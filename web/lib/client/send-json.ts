import { ApiRefusal } from './request-json'

export { ApiRefusal }

/** Sends a JSON request to the API; a refusal becomes an ApiRefusal carrying the server's message and the field it names. */
export async function sendJson<T>(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<T> {
  let res: Response
  try {
    res = await fetch(url, { method, headers: body === undefined ? undefined : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch {
    throw new ApiRefusal('Could not reach the server. Check your connection and try again.', 0, null)
  }
  const json = (await res.json().catch(() => null)) as (T & { error?: { message?: string; field?: string } }) | null
  if (!res.ok || !json) throw new ApiRefusal(json?.error?.message ?? `The server refused (${res.status}).`, res.status, json?.error?.field ?? null)
  return json
}
