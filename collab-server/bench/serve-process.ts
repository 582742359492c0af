import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@montage/infra'

const HERE = path.dirname(fileURLToPath(import.meta.url))

export interface TServeProcess {
  port: number
  statsPort: number
  child: ChildProcess
}

/** Starts `serve.ts` (our server or Hocuspocus) in its own process and waits until it listens. */
export async function startServeProcess(kind: 'ours' | 'hocuspocus', env: Record<string, string>): Promise<TServeProcess> {
  const [port, statsPort] = [await freePort(), await freePort()]
  const child = spawn(process.execPath, ['--expose-gc', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_CPU_PROF] : []), '--import', 'tsx', path.join(HERE, 'serve.ts'), kind, String(port), String(statsPort)], {
    cwd: path.join(HERE, '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
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
