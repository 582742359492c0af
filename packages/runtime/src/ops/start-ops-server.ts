import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createOpsHandler, type OpsHandlerOptions } from './ops-handler'

export interface StartOpsServerOptions extends OpsHandlerOptions {
  /** `OPS_PORT`; 0 picks a free one. */
  port: number
  /** Where it listens (default every interface: the kubelet and Prometheus probe from outside the pod). */
  host?: string
}

export interface OpsServer {
  port: number
  server: Server
  close(): Promise<void>
}

/** A small HTTP server of its own for `/healthz`, `/readyz` and `/metrics` (`OPS_PORT`). */
export async function startOpsServer(o: StartOpsServerOptions): Promise<OpsServer> {
  const handle = createOpsHandler(o)
  const server = createServer((req, res) => {
    if (!handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: /healthz, /readyz, /metrics')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port, o.host, () => resolve())
  })
  // Probes must never keep a process alive that is otherwise done.
  server.unref()
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
