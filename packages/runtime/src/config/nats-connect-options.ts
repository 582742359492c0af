import { credsAuthenticator, type ConnectionOptions } from '@nats-io/nats-core'
import { natsEnvIssues, type TNatsEnv } from './nats-env'
import { readEnvFile, throwEnvIssues } from './env-issues'

/**
 * What `connect` of `@nats-io/transport-node` takes for `env` (parsed by `ZNatsEnv`), with `name`
 * shown in the server's connection list. Files are read now: one that cannot be read stops the process at
 * start, naming its variable.
 */
export function natsConnectOptions(env: TNatsEnv, name: string): ConnectionOptions {
  throwEnvIssues(natsEnvIssues(env))
  const options: ConnectionOptions = { servers: env.NATS_URL, name }
  if (env.NATS_CREDS_FILE) {
    options.authenticator = credsAuthenticator(new Uint8Array(readEnvFile('NATS_CREDS_FILE', env.NATS_CREDS_FILE)))
  } else if (env.NATS_USER) {
    options.user = env.NATS_USER
    options.pass = env.NATS_PASSWORD
  } else if (env.NATS_TOKEN) {
    options.token = env.NATS_TOKEN
  }
  const hasTlsFile = !!(env.NATS_TLS_CA_FILE || env.NATS_TLS_CERT_FILE)
  const tlsOn = env.NATS_TLS ?? (hasTlsFile || env.NATS_URL.some((s) => s.startsWith('tls://')))
  if (tlsOn) {
    options.tls = {}
    if (env.NATS_TLS_CA_FILE) options.tls.ca = readEnvFile('NATS_TLS_CA_FILE', env.NATS_TLS_CA_FILE).toString('utf8')
    if (env.NATS_TLS_CERT_FILE && env.NATS_TLS_KEY_FILE) {
      options.tls.cert = readEnvFile('NATS_TLS_CERT_FILE', env.NATS_TLS_CERT_FILE).toString('utf8')
      options.tls.key = readEnvFile('NATS_TLS_KEY_FILE', env.NATS_TLS_KEY_FILE).toString('utf8')
    }
  }
  return options
}
