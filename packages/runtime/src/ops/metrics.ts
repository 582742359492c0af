import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/**
 * One registry per process, with Node's process metrics (CPU, memory, event-loop lag, GC) and a
 * `service` label on every series so one Prometheus can tell the processes apart.
 */
export function createMetricsRegistry(o: { service: string }): Registry {
  const registry = new Registry()
  registry.setDefaultLabels({ service: o.service })
  collectDefaultMetrics({ register: registry })
  return registry
}

/** Buckets for work a person waits on (seconds): 1 ms to 10 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
/** Buckets for activities (seconds): a control step's milliseconds to a render's minutes. */
const ACTIVITY_BUCKETS = [0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600, 1800]

/** web: how long each request took, by method, route pattern (ids taken out) and status. */
export function createHttpMetrics(registry: Registry) {
  const duration = new Histogram({
    name: 'montage_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  return {
    observe(o: { method: string; path: string; status: number; seconds: number }): void {
      duration.observe({ method: o.method, route: routePattern(o.path), status: String(o.status) }, o.seconds)
    },
  }
}
export type THttpMetrics = ReturnType<typeof createHttpMetrics>

const ID_SEGMENT = [
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, // uuid
  /^[0-9a-f]{16,}$/i, // sha256 and other hex ids
  /^\d+$/, // numbers
  /:/, // tldraw ids (shape:…), generation/… ids
  /^[A-Za-z0-9_-]{20,}$/, // tokens (invites, review links) and nanoids
]

/**
 * The path with ids replaced by `:id`, so a label's values stay few: `/api/generations/<uuid>/retry`
 * is `/api/generations/:id/retry`. Next's own assets collapse to one route.
 */
export function routePattern(path: string): string {
  const clean = (path.split('?')[0] ?? '/') || '/'
  if (clean.startsWith('/_next/')) return '/_next/*'
  let decoded: string[]
  try {
    decoded = clean.split('/').map((s) => decodeURIComponent(s))
  } catch {
    return '/:malformed'
  }
  const parts = decoded.map((s) => (s && ID_SEGMENT.some((re) => re.test(s)) ? ':id' : s))
  // Deep paths are ours to bound too (a crawler's nonsense must not add a series per URL).
  return parts.slice(0, 6).join('/') + (parts.length > 6 ? '/*' : '')
}

/** collab-server: open WebSockets, and how long a client's update takes from receipt to applied and broadcast. */
export function createCollabMetrics(registry: Registry, o: { instance: string }) {
  const connections = new Gauge({
    name: 'montage_collab_websocket_connections',
    help: 'Open board WebSocket connections on this instance',
    labelNames: ['instance'] as const,
    registers: [registry],
  })
  const updateLatency = new Histogram({
    name: 'montage_collab_update_latency_seconds',
    help: 'From receipt of a client document update to its being applied and sent to the board’s other clients',
    labelNames: ['instance'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  })
  connections.set({ instance: o.instance }, 0)
  return {
    connectionOpened: () => connections.inc({ instance: o.instance }),
    connectionClosed: () => connections.dec({ instance: o.instance }),
    updateApplied: (seconds: number) => updateLatency.observe({ instance: o.instance }, seconds),
  }
}
export type TCollabMetrics = ReturnType<typeof createCollabMetrics>

export type TJobState = 'started' | 'succeeded' | 'failed' | 'cancelled'
export type TCreditMove = 'reserved' | 'settled' | 'released'

/** workflows (and web, which reserves): generations by the state their row moved to, and credits by what happened to them. */
export function createJobMetrics(registry: Registry) {
  const jobs = new Counter({
    name: 'montage_jobs_total',
    help: 'Generations whose row moved to a state (started, succeeded, failed, cancelled), by model',
    labelNames: ['state', 'model'] as const,
    registers: [registry],
  })
  const credits = new Counter({
    name: 'montage_credits_total',
    help: 'Credits reserved, settled (charged) and released (given back)',
    labelNames: ['kind'] as const,
    registers: [registry],
  })
  return {
    job: (state: TJobState, model: string) => jobs.inc({ state, model }),
    credits: (kind: TCreditMove, amount: number) => {
      if (amount > 0) credits.inc({ kind }, amount)
    },
  }
}
export type TJobMetrics = ReturnType<typeof createJobMetrics>

/** gpu and hosted workers: how long each activity ran, by type and outcome. */
export function createActivityMetrics(registry: Registry) {
  const duration = new Histogram({
    name: 'montage_activity_duration_seconds',
    help: 'Activity run time by activity type and outcome (ok, error)',
    labelNames: ['activity', 'outcome'] as const,
    buckets: ACTIVITY_BUCKETS,
    registers: [registry],
  })
  return {
    observe: (activity: string, outcome: 'ok' | 'error', seconds: number) => duration.observe({ activity, outcome }, seconds),
  }
}
export type TActivityMetrics = ReturnType<typeof createActivityMetrics>

/** Bytes through the asset store, by direction. */
export function createAssetStoreMetrics(registry: Registry) {
  const bytes = new Counter({
    name: 'montage_asset_store_bytes_total',
    help: 'Bytes written to and read from the asset store',
    labelNames: ['direction'] as const,
    registers: [registry],
  })
  return {
    written: (n: number) => n > 0 && bytes.inc({ direction: 'written' }, n),
    read: (n: number) => n > 0 && bytes.inc({ direction: 'read' }, n),
  }
}
export type TAssetStoreMetrics = ReturnType<typeof createAssetStoreMetrics>
