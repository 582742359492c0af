import type { Sql } from './client'

export interface HitRateLimitOptions {
  /** The limit's name (`signInPerAddress`); windows of different limits never mix. */
  name: string
  /** Who or what is counted: an address, a person's id, a link's id. */
  key: string
  max: number
  windowSeconds: number
}

export interface TRateLimitHit {
  allowed: boolean
  /** Hits in the current window, this one included. */
  hits: number
  /** Whole seconds until the current window ends (at least 1). */
  retryAfterSeconds: number
}

/** Expired windows removed per hit, so the table stays the size of the live windows without a sweeper. */
const SWEEP_PER_HIT = 20

/**
 * Counts one hit against a fixed window, in one statement: the window starts at the first hit and
 * lasts `windowSeconds`; hits past `max` are refused until it ends (refused hits do not extend it,
 * so hammering cannot lock the honest caller out beyond the window). The database's clock decides,
 * so every web instance shares the count.
 */
export async function hitRateLimit(sql: Sql, opts: HitRateLimitOptions): Promise<TRateLimitHit> {
  const [row] = await sql<{ hits: number; retryAfterSeconds: number }[]>`
    WITH sweep AS (
      DELETE FROM rate_limit_windows WHERE (name, key) IN (
        SELECT name, key FROM rate_limit_windows
        WHERE expires_at < now() AND NOT (name = ${opts.name} AND key = ${opts.key})
        LIMIT ${SWEEP_PER_HIT} FOR UPDATE SKIP LOCKED)
    )
    INSERT INTO rate_limit_windows AS w (name, key, hits, expires_at)
    VALUES (${opts.name}, ${opts.key}, 1, now() + make_interval(secs => ${opts.windowSeconds}))
    ON CONFLICT (name, key) DO UPDATE SET
      hits = CASE WHEN w.expires_at > now() THEN LEAST(w.hits + 1, 2147483647) ELSE 1 END,
      expires_at = CASE WHEN w.expires_at > now() THEN w.expires_at ELSE EXCLUDED.expires_at END
    RETURNING hits, GREATEST(1, CEIL(EXTRACT(EPOCH FROM expires_at - now())))::int AS "retryAfterSeconds"`
  return { allowed: row!.hits <= opts.max, hits: row!.hits, retryAfterSeconds: row!.retryAfterSeconds }
}
