import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { optionalVar, ZOptionalFlag, ZReadableFile } from './env-fields'
import type { EnvIssue } from './env-issues'

/** One server as transport-node takes it: `nats://host:port`, `tls://host:port` or `host:port`. */
function natsServerIssue(server: string): string | undefined {
  if (!server) return 'has an empty entry (servers are separated by commas)'
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `nats://${server}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return `"${server}" is not a server address (nats://host:port, tls://host:port or host:port)`
  }
  if (url.protocol !== 'nats:' && url.protocol !== 'tls:') return `"${server}": the scheme must be nats:// or tls://`
  if (!url.hostname) return `"${server}" names no host`
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) return `"${server}" is not a server address (nothing may follow host:port)`
  return undefined
}

const CREDS_JWT = /-----BEGIN NATS USER JWT-----\s*\n\s*\S+\s*\n\s*-*END NATS USER JWT-*/
const CREDS_SEED = /-----BEGIN USER NKEY SEED-----\s*\n\s*SU[A-Z2-7]+\s*\n\s*-*END USER NKEY SEED-*/

/** The authenticator parses the file only when it connects; checked at start so a wrong file fails there. */
const ZCredsFile = optionalVar(
  z.string().superRefine((file, ctx) => {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      return ctx.addIssue({ code: 'custom', message: `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})` })
    }
    if (!CREDS_JWT.test(text) || !CREDS_SEED.test(text)) ctx.addIssue({ code: 'custom', message: `${file} is not a NATS credentials file (a user JWT and a user NKey seed)` })
  }),
)

/** The NATS servers and how to authenticate and encrypt: a creds file, user and password, or a token; TLS with a CA and a client certificate. */
export const ZNatsEnv = z.object({
  /** Comma-separated; the client picks one and fails over to the others. */
  NATS_URL: z
    .string()
    .default('nats://127.0.0.1:4222')
    .transform((value, ctx) => {
      const servers = value.split(',').map((s) => s.trim())
      for (const server of servers) {
        const issue = natsServerIssue(server)
        if (issue) ctx.addIssue({ code: 'custom', message: issue })
      }
      return servers
    }),
  /** A `.creds` file (user JWT + NKey seed), as `nsc` or Synadia Cloud hand out. */
  NATS_CREDS_FILE: ZCredsFile,
  NATS_USER: optionalVar(z.string()),
  NATS_PASSWORD: optionalVar(z.string()),
  NATS_TOKEN: optionalVar(z.string()),
  /** Unset: TLS when a TLS file is set or a server is `tls://`. */
  NATS_TLS: ZOptionalFlag,
  NATS_TLS_CA_FILE: ZReadableFile,
  NATS_TLS_CERT_FILE: ZReadableFile,
  NATS_TLS_KEY_FILE: ZReadableFile,
})
export type TNatsEnv = z.infer<typeof ZNatsEnv>

/** What the fields cannot say one at a time: one way to authenticate, whole pairs, no TLS files with TLS off. */
export function natsEnvIssues(env: TNatsEnv): EnvIssue[] {
  const issues: EnvIssue[] = []
  const ways = [
    env.NATS_CREDS_FILE && 'NATS_CREDS_FILE',
    (env.NATS_USER || env.NATS_PASSWORD) && 'NATS_USER/NATS_PASSWORD',
    env.NATS_TOKEN && 'NATS_TOKEN',
  ].filter((w): w is string => !!w)
  if (ways.length > 1) issues.push({ variable: ways[1]!.split('/')[0]!, message: `cannot be combined with ${ways[0]}: set one way to authenticate` })
  if (env.NATS_USER && !env.NATS_PASSWORD) issues.push({ variable: 'NATS_PASSWORD', message: 'required with NATS_USER' })
  if (env.NATS_PASSWORD && !env.NATS_USER) issues.push({ variable: 'NATS_USER', message: 'required with NATS_PASSWORD' })
  if (env.NATS_TLS_CERT_FILE && !env.NATS_TLS_KEY_FILE) issues.push({ variable: 'NATS_TLS_KEY_FILE', message: 'required with NATS_TLS_CERT_FILE (the client certificate needs its key)' })
  if (env.NATS_TLS_KEY_FILE && !env.NATS_TLS_CERT_FILE) issues.push({ variable: 'NATS_TLS_CERT_FILE', message: 'required with NATS_TLS_KEY_FILE (the key needs its client certificate)' })
  if (env.NATS_TLS === false) {
    const set: string[] = (['NATS_TLS_CA_FILE', 'NATS_TLS_CERT_FILE', 'NATS_TLS_KEY_FILE'] as const).filter((name) => env[name])
    if (env.NATS_URL.some((s) => s.startsWith('tls://'))) set.push('a tls:// server in NATS_URL')
    if (set.length) issues.push({ variable: 'NATS_TLS', message: `is 0 but ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set: unset ${set.length > 1 ? 'them' : 'it'} or turn TLS on` })
  }
  return issues
}
