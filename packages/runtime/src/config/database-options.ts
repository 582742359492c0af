import { databaseEnvIssues, type TDatabaseEnv } from './database-env'
import { readEnvFile, throwEnvIssues } from './env-issues'

/** What `createDb` of `@montage/db` takes, less the pool size. */
export interface DatabaseOptions {
  url: string
  ssl?: { ca: string; rejectUnauthorized: true }
}

/**
 * The database settings of `env` (parsed by `ZDatabaseEnv`). The URL's `sslmode` is left to
 * postgres.js; a CA file turns TLS on with the server's certificate checked against that CA (and
 * its name against the URL's host), whatever `sslmode` says short of `disable`.
 */
export function databaseOptions(env: TDatabaseEnv): DatabaseOptions {
  throwEnvIssues(databaseEnvIssues(env))
  if (!env.DATABASE_CA_FILE) return { url: env.DATABASE_URL }
  return { url: env.DATABASE_URL, ssl: { ca: readEnvFile('DATABASE_CA_FILE', env.DATABASE_CA_FILE).toString('utf8'), rejectUnauthorized: true } }
}
