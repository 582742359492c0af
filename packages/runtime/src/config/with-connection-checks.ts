import type { z } from 'zod'
import { databaseEnvIssues, type TDatabaseEnv } from './database-env'
import type { EnvIssue } from './env-issues'
import { natsEnvIssues, type TNatsEnv } from './nats-env'
import { temporalEnvIssues, type TTemporalEnv } from './temporal-env'

const GROUPS: { prefix: string; anchor: string; issues: (env: never) => EnvIssue[] }[] = [
  { prefix: 'TEMPORAL_', anchor: 'TEMPORAL_ADDRESS', issues: (env: TTemporalEnv) => temporalEnvIssues(env) },
  { prefix: 'NATS_', anchor: 'NATS_URL', issues: (env: TNatsEnv) => natsEnvIssues(env) },
  { prefix: 'DATABASE_', anchor: 'DATABASE_URL', issues: (env: TDatabaseEnv) => databaseEnvIssues(env) },
]

/**
 * Adds the checks across variables (pairs, exclusive settings) of every connection group whose
 * fields `schema` holds (`...ZTemporalEnv.shape`, `...ZNatsEnv.shape`, `...ZDatabaseEnv.shape`), so
 * one `parseEnv` reports them with every other bad variable. A group's checks run once its own
 * variables parse, whatever fails elsewhere.
 */
export function withConnectionChecks<S extends z.ZodObject>(schema: S): S {
  const groups = GROUPS.filter((g) => g.anchor in schema.shape)
  if (groups.length === 0) return schema
  let checked = schema
  for (const group of groups) {
    checked = checked.superRefine(
      (env, ctx) => {
        for (const issue of group.issues(env as never)) ctx.addIssue({ code: 'custom', path: [issue.variable], message: issue.message })
      },
      { when: (payload) => !payload.issues.some((i) => String(i.path?.[0] ?? '').startsWith(group.prefix)) },
    ) as S
  }
  return checked
}
