import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@montage/infra'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const BUILD_SCRIPT = path.join(HERE, '..', '..', 'infra', 'build', 'build-service.mjs')

/**
 * `serve.ts` compiled as the server ships (`infra/build/build-service.mjs`, esbuild, into
 * `bench/dist/`), once per bench process: the figures are those of the production bundle, not of
 * tsx's development transform (which, keeping function names, wraps every closure the server
 * makes per message in a call of its own).
 */
let built: Promise<string> | null = null
function builtServe(): Promise<string> {
  built ??= new Promise<string>((resolve, reject) => {
    const build = spawn(process.execPath, [BUILD_SCRIPT, '--outdir=bench/dist', 'bench/serve.ts'], { cwd: path.join(HERE, '..'), stdio: ['ignore', 'ignore', 'inherit'] })
    build.once('error', reject)
    build.once('exit', (code) => (code === 0 ? resolve(path.join(HERE, 'dist', 'serve.js')) : reject(new Error(`building bench/serve.ts failed (${code})`))))
  })
  return built
}

export interface TServeProcess {
  port: number
  statsPort: number
  child: ChildProcess
}

/** Starts `serve.ts` (our server or Hocuspocus), built, in its own process and waits until it listens. */
export async function startServeProcess(kind: 'ours' | 'hocuspocus', env: Record<string, string>): Promise<TServeProcess> {
  const [port, statsPort] = [await freePort(), await freePort()]
  const script = await builtServe()
  const traceGc = process.env.BENCH_TRACE_GC
  // A missing folder would fail the log's stream and leave the bench waiting.
  if (traceGc) await mkdir(traceGc, { recursive: true })
  const child = spawn(process.execPath, ['--expose-gc', '--enable-source-maps', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_CPU_PROF] : []), ...(traceGc ? ['--trace-gc'] : []), ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), script, kind, String(port), String(statsPort)], {
    cwd: path.join(HERE, '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  // V8 writes its GC trace to stdout: into a file of its own per server.
  if (traceGc) child.stdout!.pipe(createWriteStream(path.join(traceGc, `gc-${kind}-${port}.log`)))
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => b.toString().includes('ready') && resolve())
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)))
  })
  return { port, statsPort, child }
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(t)
}
