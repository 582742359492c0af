import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'

/** What the API answered when it refused, in its words. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message)
  }
}

export interface TGeneration {
  id: string
  boardId: string
  shotId: string
  variationId: string
  model: string
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'
  credits: number
  output: { sha256: string; mimeType: string | null; durationSeconds: number | null } | null
  error: string | null
}

export interface TPage<T> {
  items: T[]
  nextCursor: string | null
}

/** The longest a rate-limited request waits before asking again. */
const MAX_RETRY_AFTER_S = 60

/**
 * Montage's public API with an API key (`Authorization: Bearer mtg_…`), nothing else: what a
 * script may do, this client does. A refusal is an `ApiError` carrying the API's own message; a
 * `429` is waited out (its `Retry-After`) and asked again.
 */
export class MontageClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {
    if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) throw new ApiError(0, `'${baseUrl}' is not Montage's address (http://host:port or https://host)`)
  }

  async request<T>(method: string, path: string, opts: { json?: unknown; body?: Uint8Array; contentType?: string; headers?: Record<string, string> } = {}): Promise<T> {
    const res = await this.fetch(method, path, opts)
    return (await res.json()) as T
  }

  /** Follows a paged list to its end. */
  async all<T>(path: string): Promise<T[]> {
    const out: T[] = []
    let cursor: string | null = null
    do {
      const sep = path.includes('?') ? '&' : '?'
      const page: TPage<T> = await this.request('GET', cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path)
      out.push(...page.items)
      cursor = page.nextCursor
    } while (cursor)
    return out
  }

  /** Streams a response body into `file` (written beside it, then renamed: no half file is left under the name). Returns its headers. */
  async download(path: string, file: string): Promise<Headers> {
    const res = await this.fetch('GET', path, {})
    if (!res.body) throw new ApiError(res.status, `${path} answered with no body`)
    const partial = `${file}.part`
    try {
      await pipeline(Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>), createWriteStream(partial))
      await rename(partial, file)
    } catch (e) {
      await rm(partial, { force: true })
      throw e
    }
    return res.headers
  }

  private async fetch(method: string, path: string, opts: { json?: unknown; body?: Uint8Array; contentType?: string; headers?: Record<string, string> }): Promise<Response> {
    const url = new URL(path, this.baseUrl)
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}`, ...opts.headers }
    let body: string | Uint8Array | undefined
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(opts.json)
    } else if (opts.body) {
      headers['content-type'] = opts.contentType ?? 'application/octet-stream'
      body = opts.body
    }
    for (;;) {
      let res: Response
      try {
        res = await fetch(url, { method, headers, body })
      } catch (e) {
        throw new ApiError(0, `Montage at ${this.baseUrl} cannot be reached (${(e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).message})`)
      }
      if (res.status === 429) {
        const wait = Math.min(MAX_RETRY_AFTER_S, Number(res.headers.get('retry-after')) || 1)
        await res.body?.cancel()
        await new Promise((r) => setTimeout(r, wait * 1000))
        continue
      }
      if (!res.ok) {
        const text = await res.text()
        let message = text.slice(0, 500) || res.statusText
        let code: string | undefined
        try {
          const parsed = JSON.parse(text) as { error?: { message?: string; code?: string } }
          if (parsed.error?.message) message = parsed.error.message
          code = parsed.error?.code
        } catch {
          // Not JSON: the text as it came.
        }
        throw new ApiError(res.status, `${method} ${url.pathname}: ${res.status} ${message}`, code)
      }
      return res
    }
  }
}
