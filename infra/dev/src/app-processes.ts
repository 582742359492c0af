import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import path from 'node:path'
import { freePort } from './free-port'

export type ServiceName = 'collab-server' | 'workflows' | 'gpu-worker' | 'hosted-worker' | 'web'
export const ALL_SERVICES: ServiceName[] = ['collab-server', 'workflows', 'gpu-worker', 'hosted-worker', 'web']

export interface AppProcessesOptions {
  /** The repository root. */
  root: string
  /** Environment shared by every service (DATABASE_URL, DATA_DIR, TASK_QUEUE_PREFIX, …). */
  env: Record<string, string>
  webPort: number
  /** The address web listens on: loopback (`127.0.0.1`) unless a test needs it reachable from elsewhere. */
  webHost?: string
  collabPort: number
  /**
   * Ports of further collab-server instances (sharing Postgres and NATS with the first, which is
   * the one web points at). Tests of several instances connect to them directly.
   */
  extraCollabPorts?: number[]
  logDir: string
  /** Copy each service's output to this process's stdout, prefixed with its name. */
  echo?: boolean
  services?: ServiceName[]
  readyTimeoutMs?: number
}

interface ServiceSpec {
  command: string
  args: string[]
  cwd: string
  env: Record<string, string>
  /** Its `OPS_PORT` (`/healthz`, `/readyz`, `/metrics`), on loopback. */
  opsPort: number
  ready: (out: string) => Promise<boolean> | boolean
}

const COLORS: Record<ServiceName, string> = { 'collab-server': '35', workflows: '33', 'gpu-worker': '32', 'hosted-worker': '36', web: '34' }

/** Readiness: 200 only once every dependency of the service answers (`/readyz`). */
async function http200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
    await res.body?.cancel()
    return res.status === 200
  } catch {
    return false
  }
}

/** The env that turns a service's ops listener on, on loopback. */
function opsEnv(opsPort: number): Record<string, string> {
  return { OPS_PORT: String(opsPort), OPS_HOST: '127.0.0.1' }
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) })
    return res.status < 500
  } catch {
    return false
  }
}

/**
 * TypeScript services run as `node --import tsx`, one process each: the `tsx` binary is a wrapper
 * whose child would be orphaned, still running, when the wrapper is SIGKILLed.
 */
const TSX = ['--import', 'tsx']

function collabSpec(o: AppProcessesOptions, port: number, opsPort: number): ServiceSpec {
  return {
    command: process.execPath,
    args: [...TSX, 'src/main.ts'],
    cwd: path.join(o.root, 'collab-server'),
    env: { COLLAB_PORT: String(port), ...opsEnv(opsPort) },
    opsPort,
    ready: () => http200(`http://127.0.0.1:${port}/readyz`),
  }
}

/** A worker is ready once its `/readyz` says its Temporal worker runs and its dependencies answer. */
function workerSpec(o: AppProcessesOptions, folder: string, entry: string, opsPort: number): ServiceSpec {
  return {
    command: process.execPath,
    args: [...TSX, entry],
    cwd: path.join(o.root, folder),
    env: opsEnv(opsPort),
    opsPort,
    ready: () => http200(`http://127.0.0.1:${opsPort}/readyz`),
  }
}

function specs(o: AppProcessesOptions, opsPorts: Record<ServiceName, number>): Record<ServiceName, ServiceSpec> {
  const collabUrl = `ws://localhost:${o.collabPort}`
  const webHost = o.webHost ?? '127.0.0.1'
  // Where this machine reaches web (a wildcard bind answers on loopback).
  const webProbeHost = webHost === '0.0.0.0' || webHost === '::' ? '127.0.0.1' : webHost.includes(':') ? `[${webHost}]` : webHost
  return {
    'collab-server': collabSpec(o, o.collabPort, opsPorts['collab-server']),
    workflows: workerSpec(o, 'workflows', 'src/main.ts', opsPorts.workflows),
    'gpu-worker': workerSpec(o, 'gpu-worker', 'src/main.ts', opsPorts['gpu-worker']),
    // Provider calls (Runway) on queue `hosted`; without RUNWAYML_API_SECRET it runs and reports Runway as unavailable.
    'hosted-worker': workerSpec(o, 'gpu-worker', 'src/hosted-main.ts', opsPorts['hosted-worker']),
    // web/server.ts, not `next start`: it sets who is asking and the security headers (see its comment).
    web: {
      command: process.execPath,
      args: [...TSX, 'server.ts', '-p', String(o.webPort), '-H', webHost],
      cwd: path.join(o.root, 'web'),
      env: { COLLAB_PUBLIC_URL: collabUrl, PORT: String(o.webPort), NEXT_TELEMETRY_DISABLED: '1', ...opsEnv(opsPorts.web) },
      opsPort: opsPorts.web,
      // Its dependencies answer (`/readyz`), and Next serves a page.
      ready: async () => (await http200(`http://${webProbeHost}:${o.webPort}/readyz`)) && (await httpOk(`http://${webProbeHost}:${o.webPort}/sign-in`)),
    },
  }
}

/** One supervised service: its child process, its log, and whether it has said it is ready. */
export class ServiceProcess {
  child: ChildProcess | undefined
  private output = ''
  private log: WriteStream

  constructor(
    readonly name: ServiceName,
    private readonly spec: ServiceSpec,
    private readonly opts: AppProcessesOptions,
    /** Log file name without `.log`, when several processes of one service run. */
    logName: string = name,
  ) {
    mkdirSync(opts.logDir, { recursive: true })
    this.log = createWriteStream(path.join(opts.logDir, `${logName}.log`), { flags: 'a' })
  }

  async start(): Promise<void> {
    this.output = ''
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: { ...process.env, ...this.opts.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    const onData = (chunk: Buffer) => {
      const text = chunk.toString()
      this.output = (this.output + text).slice(-20_000)
      this.log.write(text)
      if (this.opts.echo) {
        for (const line of text.split('\n')) if (line.trim()) process.stdout.write(`\x1b[${COLORS[this.name]}m${this.name.padEnd(13)}\x1b[0m ${line}\n`)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 120_000)
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${this.output.slice(-3000)}`)
      }
      if (await this.spec.ready(this.output)) return
      await new Promise((r) => setTimeout(r, 250))
    }
    throw new Error(`${this.name} was not ready after ${(this.opts.readyTimeoutMs ?? 120_000) / 1000}s:\n${this.output.slice(-3000)}`)
  }

  /** Stops the service: SIGTERM (it flushes), then SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }

  recentOutput(): string {
    return this.output
  }

  /** Its ops listener's port (`OPS_PORT`): `/healthz`, `/readyz`, `/metrics` on 127.0.0.1. */
  get opsPort(): number {
    return this.spec.opsPort
  }

  /** Scrapes its `/metrics` (Prometheus text: ours, and the Temporal SDK's for workers). */
  async metrics(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.spec.opsPort}/metrics`, { signal: AbortSignal.timeout(10_000) })
    if (!res.ok) throw new Error(`${this.name} /metrics answered ${res.status}`)
    return res.text()
  }
}

export interface AppProcesses {
  services: Record<ServiceName, ServiceProcess | undefined>
  /** Every collab-server instance: `services['collab-server']` first, then one per `extraCollabPorts`. */
  collabServers: ServiceProcess[]
  stop(): Promise<void>
}

/** Starts the app's services (all by default) and waits until each is ready. */
export async function startAppProcesses(opts: AppProcessesOptions): Promise<AppProcesses> {
  const ports = await Promise.all(ALL_SERVICES.map(async (n) => [n, await freePort()] as const))
  const all = specs(opts, Object.fromEntries(ports) as Record<ServiceName, number>)
  const names = opts.services ?? ALL_SERVICES
  const services = Object.fromEntries(ALL_SERVICES.map((n) => [n, names.includes(n) ? new ServiceProcess(n, all[n], opts) : undefined])) as AppProcesses['services']
  const extraCollab = await Promise.all(
    (opts.extraCollabPorts ?? []).map(async (port, i) => new ServiceProcess('collab-server', collabSpec(opts, port, await freePort()), opts, `collab-server-${i + 2}`)),
  )
  const collabServers = [...(services['collab-server'] ? [services['collab-server']] : []), ...extraCollab]
  const stop = async () => {
    await Promise.all([...Object.values(services), ...extraCollab].map((s) => s?.stop()))
  }
  try {
    // The collab-server first: the others do not need it, but a board page does. Instances one
    // by one: each ensures the command stream at start. Nobody migrates here: the caller has run
    // `prepareDatabase` (`npm run migrate`), and a service on an unmigrated database exits saying so.
    for (const c of collabServers) await c.start()
    await Promise.all(names.filter((n) => n !== 'collab-server').map((n) => services[n]!.start()))
  } catch (e) {
    await stop()
    throw e
  }
  return { services, collabServers, stop }
}
