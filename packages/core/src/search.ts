import { z } from 'zod'

export const SEARCH_KINDS = ['board', 'shot', 'prompt', 'tag', 'comment', 'person'] as const
export type TSearchResultKind = (typeof SEARCH_KINDS)[number]

/** `GET /api/search?q=&workspaceId=`: at least one letter or digit, at most 200 characters. */
export const ZSearchQuery = z
  .object({
    workspaceId: z.string().uuid(),
    q: z
      .string()
      .trim()
      .min(1, 'Type something to search for')
      .max(200, 'A search can be at most 200 characters')
      .refine((q) => /[\p{L}\p{N}]/u.test(q), 'A search needs at least one letter or digit'),
  })
  .strict()

/** One result; where it leads is `boardId` (+ `shapeId` to zoom to, + `threadId`/`timeSeconds` for a comment). */
export const ZSearchResult = z.object({
  kind: z.enum(SEARCH_KINDS),
  id: z.string(),
  title: z.string(),
  text: z.string(),
  boardId: z.string().nullable(),
  boardName: z.string().nullable(),
  shapeId: z.string().nullable(),
  threadId: z.string().nullable(),
  timeSeconds: z.number().nullable(),
})
export type TSearchResult = z.infer<typeof ZSearchResult>

/** `GET /api/search`'s answer: the query as it was read, and the results. */
export const ZSearchResponse = z.object({ q: z.string(), items: z.array(ZSearchResult) })
export type TSearchResponse = z.infer<typeof ZSearchResponse>
