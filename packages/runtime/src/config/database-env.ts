import { z } from 'zod'
import { ZReadableFile } from './env-fields'
import type { EnvIssue } from './env-issues'

/** libpq's modes, which postgres.js reads from the URL (`verify-ca` checks the host name too there). */
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const

/** The PostgreSQL server: a URL (`?sslmode=` honoured) and, for a private CA, its certificate. */
export const ZDatabaseEnv = z.object({
  DATABASE_URL: z
    .string()
    .default('postgres://postgres@127.0.0.1:5432/montage')
    .superRefine((value, ctx) => {
      let url: URL
      try {
        url = new URL(value)
      } catch {
        return ctx.addIssue({ code: 'custom', message: 'must be a URL: postgres://user:password@host:5432/database' })
      }
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return ctx.addIssue({ code: 'custom', message: 'must start with postgres:// or postgresql://' })
      if (!url.hostname) ctx.addIssue({ code: 'custom', message: 'names no host' })
      const mode = url.searchParams.get('sslmode')
      if (mode !== null && !(SSL_MODES as readonly string[]).includes(mode)) ctx.addIssue({ code: 'custom', message: `sslmode=${mode} is not one of ${SSL_MODES.join(', ')}` })
    }),
  /** The CA that signed the server's certificate: TLS on, the certificate checked against it. */
  DATABASE_CA_FILE: ZReadableFile,
})
export type TDatabaseEnv = z.infer<typeof ZDatabaseEnv>

export function databaseEnvIssues(env: TDatabaseEnv): EnvIssue[] {
  if (env.DATABASE_CA_FILE && URL.canParse(env.DATABASE_URL) && new URL(env.DATABASE_URL).searchParams.get('sslmode') === 'disable') {
    return [{ variable: 'DATABASE_CA_FILE', message: 'is set but DATABASE_URL says sslmode=disable: remove one of them' }]
  }
  return []
}
