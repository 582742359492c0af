import type { Metadata } from 'next'
import { API_ROUTES, API_TAGS, exampleCurl, jsonSchemaOf, type TApiAuth, type TApiRoute } from '@montage/core'
import './api-reference.css'

export const metadata: Metadata = { title: 'API reference · Montage' }

type TSchema = {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  format?: string
  items?: TSchema
  anyOf?: TSchema[]
  oneOf?: TSchema[]
  properties?: Record<string, TSchema>
  required?: string[]
  description?: string
  default?: unknown
  minimum?: number
  maximum?: number
  maxLength?: number
  pattern?: string
}

/** A short type for a JSON Schema node: `string (uuid)`, `"a" | "b"`, `object[]`, … */
function typeOf(s: TSchema | undefined): string {
  if (!s) return 'any'
  if (s.const !== undefined) return JSON.stringify(s.const)
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ')
  const alts = s.anyOf ?? s.oneOf
  if (alts) return [...new Set(alts.map(typeOf))].join(' | ')
  if (s.type === 'array') return `${typeOf(s.items)}[]`
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any')
  if (s.format) return `${t} (${s.format})`
  if (s.pattern?.startsWith('^shape:')) return `${t} (shape id)`
  if (s.pattern === '^[a-f0-9]{64}$') return `${t} (sha256)`
  return t
}

/** Text with `code` spans, as the registry writes them. */
function Prose({ text }: { text: string }) {
  return <>{text.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>
}

function limits(s: TSchema): string {
  const out: string[] = []
  if (s.minimum !== undefined && s.maximum !== undefined) out.push(`${s.minimum}–${s.maximum}`)
  else if (s.maximum !== undefined) out.push(`≤ ${s.maximum}`)
  if (s.maxLength !== undefined) out.push(`≤ ${s.maxLength} chars`)
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`)
  return out.join(', ')
}

const SCOPE_TEXT: Record<TApiAuth, string> = {
  read: 'key: read',
  generate: 'key: generate',
  review: 'key: review',
  admin: 'key: admin',
  session: 'session only',
  guest: 'review-link guest',
  public: 'public',
}

function FieldTable({ schema, empty }: { schema: TSchema; empty?: string }) {
  const props = Object.entries(schema.properties ?? {})
  if (props.length === 0) return <p className="api-muted">{empty ?? typeOf(schema)}</p>
  return (
    <table className="api-fields">
      <tbody>
        {props.map(([name, s]) => (
          <tr key={name}>
            <td className="api-field-name">
              <code>{name}</code>
              {(schema.required ?? []).includes(name) ? <span className="api-req">required</span> : null}
            </td>
            <td className="api-field-type">
              <code>{typeOf(s)}</code>
            </td>
            <td className="api-field-desc">
              {s.description ? <Prose text={s.description} /> : null}
              {limits(s) ? <span className="api-muted"> {limits(s)}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function anchor(r: TApiRoute): string {
  return `${r.method}-${r.path}`.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()
}

function Operation({ route }: { route: TApiRoute }) {
  const params = [
    ...Object.entries((route.params ? (jsonSchemaOf(route.params, 'input') as TSchema) : {}).properties ?? {}).map(([n, s]) => ({ n, s, where: 'path', required: true })),
    ...(() => {
      if (!route.query) return []
      const q = jsonSchemaOf(route.query, 'input') as TSchema
      return Object.entries(q.properties ?? {}).map(([n, s]) => ({ n, s, where: 'query', required: (q.required ?? []).includes(n) }))
    })(),
  ]
  const body = route.body && !('raw' in route.body) ? (jsonSchemaOf(route.body, 'input') as TSchema) : null
  return (
    <article className="api-op" id={anchor(route)} aria-labelledby={`${anchor(route)}-title`}>
      <header className="api-op-head">
        <span className={`api-method api-method-${route.method.toLowerCase()}`}>{route.method}</span>
        <code className="api-path" id={`${anchor(route)}-title`}>{route.path}</code>
        <span className={`api-scope api-scope-${route.auth}`} title="Who may call">{SCOPE_TEXT[route.auth]}</span>
      </header>
      <p className="api-summary">
        {route.summary}
        {route.idempotent ? <span className="api-muted"> · takes <code>Idempotency-Key</code></span> : null}
      </p>
      {route.description ? <p className="api-muted api-desc"><Prose text={route.description} /></p> : null}
      {params.length > 0 ? (
        <section className="api-block">
          <h4>Parameters</h4>
          <table className="api-fields">
            <tbody>
              {params.map((p) => (
                <tr key={`${p.where}-${p.n}`}>
                  <td className="api-field-name">
                    <code>{p.n}</code>
                    <span className="api-in">{p.where}</span>
                    {p.required ? <span className="api-req">required</span> : null}
                  </td>
                  <td className="api-field-type"><code>{typeOf(p.s)}</code></td>
                  <td className="api-field-desc">
                    {p.s.description ? <Prose text={p.s.description} /> : null}
                    {limits(p.s) ? <span className="api-muted"> {limits(p.s)}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {route.body && 'raw' in route.body ? (
        <section className="api-block">
          <h4>Body</h4>
          <p className="api-muted">The file&apos;s raw bytes: {route.body.raw.join(', ')}</p>
        </section>
      ) : null}
      {body ? (
        <section className="api-block">
          <h4>Body <span className="api-muted">application/json</span></h4>
          <FieldTable schema={body} empty="Varies by model: see the schema in /api/openapi.json" />
        </section>
      ) : null}
      <section className="api-block">
        <h4>Responses</h4>
        {Object.entries(route.responses).map(([status, r]) => (
          <details key={status} className="api-response">
            <summary>
              <span className="api-status api-status-ok">{status}</span> {r.description}
              {r.contentType ? <span className="api-muted"> · {r.contentType}</span> : null}
            </summary>
            {r.schema ? <FieldTable schema={jsonSchemaOf(r.schema, 'output') as TSchema} /> : <p className="api-muted">A file.</p>}
          </details>
        ))}
        <p className="api-errors">
          {[...new Set([...(route.errors ?? []), ...(route.auth === 'public' ? [] : [401, 403])])].sort().map((s) => (
            <span key={s} className="api-status api-status-err">{s}</span>
          ))}
          <span className="api-muted">errors: <code>{'{ error: { code, message, field? } }'}</code></span>
        </p>
      </section>
      {route.examples?.map((ex) => (
        <section className="api-block" key={ex.summary}>
          <h4>Example <span className="api-muted">{ex.summary} → {ex.status}</span></h4>
          <pre className="api-curl"><code>{exampleCurl(route, ex)}</code></pre>
        </section>
      ))}
    </article>
  )
}

/** The API reference: the same registry the OpenAPI document is built from, grouped by tag. */
export default function ApiReferencePage() {
  const groups = API_TAGS.map((t) => ({ ...t, routes: API_ROUTES.filter((r) => r.tag === t.name) })).filter((g) => g.routes.length > 0)
  return (
    <div className="page api-ref">
      <header className="page-header">
        <a className="logo" href="/"><span className="logo-mark" aria-hidden /> Montage</a>
        <a className="btn btn-ghost" href="/api/openapi.json">openapi.json</a>
      </header>
      <div className="api-layout">
        <nav className="api-nav" aria-label="API sections">
          {groups.map((g) => (
            <div key={g.name} className="api-nav-group">
              <a href={`#tag-${g.name.replace(/[^A-Za-z]+/g, '-').toLowerCase()}`} className="api-nav-tag">{g.name}</a>
              {g.routes.map((r) => (
                <a key={anchor(r)} href={`#${anchor(r)}`} className="api-nav-op">
                  <span className={`api-method-dot api-method-${r.method.toLowerCase()}`}>{r.method}</span> {r.summary}
                </a>
              ))}
            </div>
          ))}
        </nav>
        <main className="api-main">
          <h1>API reference</h1>
          <p className="api-muted api-intro">
            Send an API key (workspace Settings → API keys) as <code>Authorization: Bearer mtg_…</code>. A key acts as the person who made it, within its
            scopes: <code>read</code>, <code>generate</code>, <code>review</code>, <code>admin</code> (admin covers all). Lists take <code>cursor</code> and{' '}
            <code>limit</code> and answer <code>{'{ items, nextCursor }'}</code>. Values in braces in the examples (<code>{'{boardId}'}</code>,{' '}
            <code>{'{shotId}'}</code>, …) are ids of your own. The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).
          </p>
          {groups.map((g) => (
            <section key={g.name} className="api-tag" id={`tag-${g.name.replace(/[^A-Za-z]+/g, '-').toLowerCase()}`}>
              <h2>{g.name}</h2>
              <p className="api-muted">{g.description}</p>
              {g.routes.map((r) => (
                <Operation key={anchor(r)} route={r} />
              ))}
            </section>
          ))}
        </main>
      </div>
    </div>
  )
}
