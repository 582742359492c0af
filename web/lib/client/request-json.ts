/** A refusal from the API, with the field it names (400s name the field they refuse). */
export class ApiRefusal extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly field: string | null,
  ) {
    super(message)
  }
}

/** Sends JSON to the API and returns its answer; a refusal becomes an ApiRefusal with the server's words. */
export async function requestJson<T>(url: string, body?: unknown): Promise<T> {
  let res: Response
  try {
    res = await fetch(url, body === undefined ? undefined : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  } catch {
    throw new ApiRefusal('Could not reach the server. Check your connection and try again.', 0, null)
  }
  const json = (await res.json().catch(() => null)) as (T & { error?: { message?: string; field?: string } }) | null
  if (!res.ok || !json) throw new ApiRefusal(json?.error?.message ?? `The server refused (${res.status}).`, res.status, json?.error?.field ?? null)
  return json
}
