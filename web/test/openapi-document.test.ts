import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { validate } from '@readme/openapi-parser'
import { API_ROUTES, buildOpenApiDocument, keyCallable } from '@montage/core'

/**
 * The OpenAPI document (issue 14) against the route files: every route file's exported method is
 * documented and nothing documented is missing from the files; the document passes a real OpenAPI
 * 3.1 validator; every route a key can call has an example (web/e2e/openapi.test.ts sends them).
 */

const API_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../app/api')

/** Every `route.ts` under web/app/api as `METHOD /api/path/{param}`. */
async function routeFileOperations(): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(API_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/^route\.(ts|tsx|js)$/.test(entry.name)) continue
    const text = await readFile(path.join(entry.parentPath, entry.name), 'utf8')
    const dir = path.relative(API_DIR, entry.parentPath).split(path.sep).join('/')
    const apiPath = `/api/${dir}`.replace(/\[(\w+)\]/g, '{$1}')
    for (const m of text.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE)\b/g)) out.push(`${m[1]} ${apiPath}`)
  }
  return [...new Set(out)].sort()
}

describe('OpenAPI document', () => {
  it('documents every route file and method, and nothing that has no route file', async () => {
    const files = await routeFileOperations()
    const documented = API_ROUTES.map((r) => `${r.method} ${r.path}`)
    expect(files.length).toBeGreaterThan(70)
    expect(new Set(documented).size, 'an operation registered twice in API_ROUTES').toBe(documented.length)
    expect(files.filter((op) => !documented.includes(op)), 'routes the document lacks: add an op({...}) to packages/core/src/openapi.ts').toEqual([])
    expect(documented.filter((op) => !files.includes(op)).sort(), 'documented operations with no route file').toEqual([])
  })

  it('passes an OpenAPI 3.1 validator', async () => {
    const doc = buildOpenApiDocument()
    expect(doc.openapi).toBe('3.1.0')
    const result = await validate(structuredClone(doc) as never)
    const errors = result.valid ? [] : result.errors
    expect(errors, JSON.stringify(errors, null, 2)).toEqual([])
    expect(result.valid).toBe(true)
  })

  it('is refused by the validator when it is broken (the check can fail)', async () => {
    const doc = structuredClone(buildOpenApiDocument()) as { paths: Record<string, Record<string, { parameters?: Record<string, unknown>[] }>> }
    // A parameter that does not say where it goes.
    delete doc.paths['/api/boards/{boardId}']!.get!.parameters![0]!.in
    expect((await validate(structuredClone(doc) as never)).valid).toBe(false)
    // An answer that points at a schema that is not there.
    const dangling = structuredClone(buildOpenApiDocument()) as { components: { schemas: Record<string, unknown> } }
    delete dangling.components.schemas.Error
    expect((await validate(dangling as never)).valid).toBe(false)
  })

  it('gives every route a key can call at least one example, with placeholders only for path parameters it has', () => {
    const without = API_ROUTES.filter((r) => keyCallable(r) && !r.examples?.length).map((r) => `${r.method} ${r.path}`)
    expect(without).toEqual([])
    for (const r of API_ROUTES) {
      for (const ex of r.examples ?? []) {
        const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
        expect(Object.keys(ex.path ?? {}).sort(), `${r.method} ${r.path}: ${ex.summary}`).toEqual(names.sort())
      }
    }
  })

  it('describes each input with the schema the route validates with: a documented required field is required', () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }>> }
    expect(doc.paths['/api/boards']!.post!.requestBody!.content['application/json']!.schema.required).toEqual(['workspaceId', 'name'])
    expect(doc.paths['/api/generations']!.post!.requestBody).toBeDefined()
  })
})
