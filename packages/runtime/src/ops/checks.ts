import type { TReadinessCheck } from './readiness'

/** PostgreSQL answers a query (a postgres.js `sql`). */
export function postgresCheck(sql: { unsafe(query: string): Promise<unknown> }): TReadinessCheck {
  return { name: 'postgres', check: async () => await sql.unsafe('select 1') }
}

/** The NATS connection is open and the server answers a round trip. */
export function natsCheck(nc: { isClosed(): boolean; rtt(): Promise<number> }): TReadinessCheck {
  return {
    name: 'nats',
    check: async () => {
      if (nc.isClosed()) throw new Error('connection closed')
      await nc.rtt()
    },
  }
}

/** A Temporal worker is polling: its state is RUNNING (the SDK retries lost connections on its own). */
export function temporalWorkerCheck(worker: { getState(): string }): TReadinessCheck {
  return {
    name: 'temporal',
    check: async () => {
      const state = worker.getState()
      if (state !== 'RUNNING') throw new Error(`worker ${state.toLowerCase()}`)
    },
  }
}

/** The Temporal frontend answers (a client's connection: `connection.workflowService.getSystemInfo({})`). */
export function temporalClientCheck(getSystemInfo: () => Promise<unknown>): TReadinessCheck {
  return { name: 'temporal', check: getSystemInfo }
}

/** The asset store answers a cheap lookup (a name no blob has). */
export function assetStoreCheck(store: { has(sha256: string): Promise<boolean> }): TReadinessCheck {
  return { name: 'assets', check: () => store.has('0'.repeat(64)) }
}
