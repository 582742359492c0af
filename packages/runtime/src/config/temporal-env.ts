import { z } from 'zod'
import { optionalVar, ZOptionalFlag, ZReadableFile } from './env-fields'
import type { EnvIssue } from './env-issues'

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)(:\d{1,5})?$/

/** Where the Temporal frontend is and how to reach it: plain, TLS, mTLS or an API key (Temporal Cloud). */
export const ZTemporalEnv = z.object({
  TEMPORAL_ADDRESS: z.string().regex(HOST_PORT, 'must be host:port without a scheme (127.0.0.1:7233, my-ns.a1b2c.tmprl.cloud:7233)').default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Temporal Cloud's API key; turns TLS on unless TEMPORAL_TLS=0. */
  TEMPORAL_API_KEY: optionalVar(z.string()),
  /** Unset: TLS when a key or a TLS file is set. */
  TEMPORAL_TLS: ZOptionalFlag,
  /** The CA that signed the server's certificate; the system's CAs when unset. */
  TEMPORAL_TLS_CA_FILE: ZReadableFile,
  /** mTLS: the client certificate and its key, both or neither. */
  TEMPORAL_TLS_CERT_FILE: ZReadableFile,
  TEMPORAL_TLS_KEY_FILE: ZReadableFile,
  /** The name the server's certificate is checked against, when it is not the address's host. */
  TEMPORAL_TLS_SERVER_NAME: optionalVar(z.string()),
})
export type TTemporalEnv = z.infer<typeof ZTemporalEnv>

const TLS_FILES = ['TEMPORAL_TLS_CA_FILE', 'TEMPORAL_TLS_CERT_FILE', 'TEMPORAL_TLS_KEY_FILE', 'TEMPORAL_TLS_SERVER_NAME'] as const

/** What the fields cannot say one at a time: a half-set pair, TLS files with TLS turned off. */
export function temporalEnvIssues(env: TTemporalEnv): EnvIssue[] {
  const issues: EnvIssue[] = []
  if (env.TEMPORAL_TLS_CERT_FILE && !env.TEMPORAL_TLS_KEY_FILE) issues.push({ variable: 'TEMPORAL_TLS_KEY_FILE', message: 'required with TEMPORAL_TLS_CERT_FILE (the client certificate needs its key)' })
  if (env.TEMPORAL_TLS_KEY_FILE && !env.TEMPORAL_TLS_CERT_FILE) issues.push({ variable: 'TEMPORAL_TLS_CERT_FILE', message: 'required with TEMPORAL_TLS_KEY_FILE (the key needs its client certificate)' })
  if (env.TEMPORAL_TLS === false) {
    const set = TLS_FILES.filter((name) => env[name])
    if (set.length) issues.push({ variable: 'TEMPORAL_TLS', message: `is 0 but ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set: unset ${set.length > 1 ? 'them' : 'it'} or turn TLS on` })
  }
  return issues
}
