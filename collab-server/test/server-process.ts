import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { TEST_DATABASE_URL } from '@montage/db/testing'
import { NATS_URL, waitFor, type TestEnv } from './helpers'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')


/** The real server binary (`src/main.ts`) as a child process, so a test can SIGKILL it. */
export class ServerProcess {
  child: ChildProcess | null = null
  output = ''

  constructor(
    private readonly env: TestEnv,
    readonly port: number,
  ) {}

  async start(): Promise<void> {
    this.output = ''
    // Node with tsx's loader, not the `tsx` CLI: that runs the server in a second process, and a
    // SIGKILL to the CLI would not be a SIGKILL to the server.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: TEST_DATABASE_URL,
        NATS_URL,
        COLLAB_PORT: String(this.port),
        AUTH_MODE: 'local',
        DATA_DIR: this.env.dataDir,
        COLLAB_CONSUMER_NAME: `${this.env.consumerName}-proc`,
        COLLAB_COMMAND_DELIVER_POLICY: 'new',
        COLLAB_CONSUMER_INACTIVE_MS: String(5 * 60_000),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    const keep = (b: Buffer) => void (this.output = (this.output + b.toString()).slice(-20_000))
    child.stdout!.on('data', keep)
    child.stderr!.on('data', keep)
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited early:\n${this.output}`)
        return fetch(`http://127.0.0.1:${this.port}/healthz`).then((r) => r.ok, () => false)
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    )
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill(signal)
    await exited
  }
}
