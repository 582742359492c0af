import { z } from 'zod'
import { parseEnv } from '@montage/core'

/** `OPS_PORT`: where `/healthz`, `/readyz` and `/metrics` listen; unset (or empty) means no ops listener. */
export const ZOpsEnv = z.object({
  OPS_PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65_535).optional()),
  /** Where the ops listener binds (default every interface, as probes come from outside the pod; web: its own host). */
  OPS_HOST: z.string().min(1).optional(),
})

/** Reads `OPS_PORT`; an `EnvError` naming it when malformed (`exitOnEnvError` turns it into an exit). */
export function opsPortFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return parseEnv(ZOpsEnv, env).OPS_PORT
}

/** `OPS_HOST`, or undefined (every interface). */
export function opsHostFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return parseEnv(ZOpsEnv, env).OPS_HOST
}
