// Health, readiness and metrics (`@montage/runtime/ops`): the ops listener, readiness checks, the
// prom-client registry and our series, and the Temporal worker setup that ties them together.
export * from './readiness'
export * from './checks'
export * from './ops-handler'
export * from './start-ops-server'
export * from './metrics'
export * from './metered-asset-store'
export * from './activity-metrics-interceptor'
export * from './free-loopback-address'
export * from './ops-port'
export * from './read-metric'
export * from './worker-ops'
