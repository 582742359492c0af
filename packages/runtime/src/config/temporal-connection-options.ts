import { temporalEnvIssues, type TTemporalEnv } from './temporal-env'
import { readEnvFile, throwEnvIssues } from './env-issues'

/**
 * What both `NativeConnection.connect` (workers) and `Connection.connect` (clients) take; written
 * out rather than imported so the web bundle needs neither SDK package to build it.
 */
export interface TemporalConnectionOptions {
  address: string
  tls?: { serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer }; serverNameOverride?: string } | false
  apiKey?: string
}

/**
 * The connection settings of `env` (parsed by `ZTemporalEnv`): TLS is on when asked
 * (`TEMPORAL_TLS=1`), or when an API key or a TLS file is set and `TEMPORAL_TLS` is not 0. The files
 * are read now, so a missing one stops the process at start, naming its variable.
 */
export function temporalConnectionOptions(env: TTemporalEnv): TemporalConnectionOptions {
  throwEnvIssues(temporalEnvIssues(env))
  const hasTlsSetting = !!(env.TEMPORAL_TLS_CA_FILE || env.TEMPORAL_TLS_CERT_FILE || env.TEMPORAL_TLS_SERVER_NAME)
  const tlsOn = env.TEMPORAL_TLS ?? (hasTlsSetting || !!env.TEMPORAL_API_KEY)
  const options: TemporalConnectionOptions = { address: env.TEMPORAL_ADDRESS }
  if (env.TEMPORAL_API_KEY) options.apiKey = env.TEMPORAL_API_KEY
  // Said outright either way: the SDK turns TLS on by itself when it sees an API key.
  if (!tlsOn) {
    options.tls = false
    return options
  }
  options.tls = {}
  if (env.TEMPORAL_TLS_CA_FILE) options.tls.serverRootCACertificate = readEnvFile('TEMPORAL_TLS_CA_FILE', env.TEMPORAL_TLS_CA_FILE)
  if (env.TEMPORAL_TLS_CERT_FILE && env.TEMPORAL_TLS_KEY_FILE) {
    options.tls.clientCertPair = { crt: readEnvFile('TEMPORAL_TLS_CERT_FILE', env.TEMPORAL_TLS_CERT_FILE), key: readEnvFile('TEMPORAL_TLS_KEY_FILE', env.TEMPORAL_TLS_KEY_FILE) }
  }
  if (env.TEMPORAL_TLS_SERVER_NAME) options.tls.serverNameOverride = env.TEMPORAL_TLS_SERVER_NAME
  return options
}
