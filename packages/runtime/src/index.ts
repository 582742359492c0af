// What every Montage process needs to run in a cluster: its connections to the engines (Temporal,
// NATS, PostgreSQL) with TLS and credentials, structured logs, health and readiness, metrics and traces.
// Node only. Subpaths keep what a process loads small: `./config`, `./log`, `./temporal` (the SDK's runtime).
export * from './config'
