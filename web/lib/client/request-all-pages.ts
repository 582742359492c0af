import { MAX_PAGE_LIMIT } from '@montage/core'
import { requestJson } from './request-json'

/** The most pages one list is followed through, so a server that kept answering a cursor could not loop the page forever. */
const MAX_PAGES = 100

/**
 * Every item of a paged API list (`{ items, nextCursor }`), its pages fetched in turn at the
 * largest size. `path` may carry its own query (`?variationId=…`).
 */
export async function requestAllPages<T>(path: string): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL(path, 'http://x')
    url.searchParams.set('limit', String(MAX_PAGE_LIMIT))
    if (cursor) url.searchParams.set('cursor', cursor)
    const answer: { items: T[]; nextCursor: string | null } = await requestJson(`${url.pathname}${url.search}`)
    items.push(...answer.items)
    cursor = answer.nextCursor
    if (!cursor) break
  }
  return items
}
