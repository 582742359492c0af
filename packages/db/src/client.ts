import postgres from 'postgres'

export type Sql = postgres.Sql

export interface CreateDbOptions {
  url: string
  /** Connection pool size; small by default, every process here has its own pool. */
  max?: number
}

export function createDb({ url, max = 10 }: CreateDbOptions): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    // bytea columns come back as Buffers, bigints as JS numbers (ledger sums fit easily).
    types: { bigint: postgres.BigInt },
    transform: { undefined: null },
  })
}
