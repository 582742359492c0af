import { NextResponse } from 'next/server'
import { buildOpenApiDocument } from '@montage/core'
import { route } from '@/lib/server/api-error'

/** Built once per server: the document only changes with the code. */
let document: Record<string, unknown> | undefined

/**
 * `GET /api/openapi.json`: the OpenAPI 3.1 document of this API, built from the zod contracts in
 * @montage/core that the routes validate with. Public (it describes, it grants nothing) and cacheable.
 */
export const GET = route(async () => {
  document ??= buildOpenApiDocument()
  return NextResponse.json(document, { headers: { 'cache-control': 'public, max-age=300' } })
})
