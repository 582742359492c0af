import postgres from 'postgres'

export type Sql = postgres.Sql

/** A pool or an open transaction: what a query that may run inside a caller's transaction takes. */
export type Queryable = Sql | postgres.TransactionSql

export interface CreateDbOptions {
  url: string
  /** Connection pool size; small by default, every process here has its own pool. */
  max?: number
  /**
   * TLS with the server's certificate checked against `ca` (a private CA's PEM). Unset, the URL's
   * `sslmode` decides (postgres.js reads it).
   */
  ssl?: { ca: string; rejectUnauthorized: true }
}

export function createDb({ url, max = 10, ssl }: CreateDbOptions): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    // bytea columns come back as Buffers, bigints as JS numbers (ledger sums fit easily).
    types: { bigint: postgres.BigInt },
    transform: { undefined: null },
    // Only when set: postgres.js takes a present `ssl` key, even undefined, over the URL's sslmode.
    ...(ssl ? { ssl } : {}),
  })
}
