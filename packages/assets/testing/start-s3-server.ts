import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { access, mkdir, mkdtemp, rename, rm } from 'node:fs/promises'
import { createServer, connect } from 'node:net'
import { homedir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { S3AssetStore } from '../src/S3AssetStore'

const GOFAKES3_VERSION = 'v1.2.0'
const run = promisify(execFile)

export interface TestS3Server {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  /** A bucket of this server's own (a fresh one on a shared server). */
  bucket: string
  /** The variables a process needs to use this bucket as its asset store (`ASSET_STORE=s3` …). */
  env: Record<string, string>
  /** An S3 store on this bucket. */
  store(options?: { prefix?: string; partSizeBytes?: number; tmpDir?: string }): S3AssetStore
  /** Stops the server (or, on a shared one, empties and removes the bucket). */
  stop(): Promise<void>
}

function cacheDir(): string {
  return process.env.MONTAGE_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'montage')
}

let building: Promise<string> | undefined

/** The gofakes3 binary, built once with `go install` and cached like the Temporal CLI. */
export function gofakes3Binary(): Promise<string> {
  return (building ??= (async () => {
    const dir = path.join(cacheDir(), `gofakes3-${GOFAKES3_VERSION}`)
    const bin = path.join(dir, 'gofakes3')
    try {
      await access(bin)
      return bin
    } catch {
      // not built yet
    }
    await mkdir(dir, { recursive: true })
    // Built into a folder of its own and renamed, so a parallel build never runs a half-written file.
    const gobin = await mkdtemp(path.join(dir, 'build-'))
    const go = process.env.GO ?? (await run('sh', ['-c', 'command -v go || echo /usr/local/go/bin/go'])).stdout.trim()
    try {
      await run(go, ['install', `github.com/johannesboyne/gofakes3/cmd/gofakes3@${GOFAKES3_VERSION}`], {
        env: { ...process.env, GOBIN: gobin },
        maxBuffer: 16 * 1024 * 1024,
      })
    } catch (e) {
      const err = e as { stderr?: string; message: string }
      throw new Error(`Building gofakes3 ${GOFAKES3_VERSION} with go install failed: ${err.stderr || err.message}`)
    }
    await rename(path.join(gobin, 'gofakes3'), bin)
    await rm(gobin, { recursive: true, force: true })
    return bin
  })().catch((e: unknown) => {
    building = undefined
    throw e
  }))
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

function clientFor(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })
}

function serverFor(endpoint: string, bucket: string, stop: () => Promise<void>): TestS3Server {
  const env = {
    ASSET_STORE: 's3',
    S3_BUCKET: bucket,
    S3_ENDPOINT: endpoint,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'test',
    S3_SECRET_ACCESS_KEY: 'test',
    S3_FORCE_PATH_STYLE: '1',
  }
  return {
    endpoint,
    bucket,
    env,
    store: (options = {}) =>
      new S3AssetStore({ bucket, endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, ...options }),
    stop,
  }
}

async function emptyAndRemove(client: S3Client, bucket: string): Promise<void> {
  let token: string | undefined
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }))
    for (const object of page.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }))
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  await client.send(new DeleteBucketCommand({ Bucket: bucket }))
}

/**
 * A real S3 server for a test: the one `npm test` started (`TEST_S3_ENDPOINT`) with a fresh
 * bucket, or a gofakes3 of the test's own on a free loopback port (in-memory backend).
 */
export async function startS3Server(): Promise<TestS3Server> {
  const bucket = `test-${randomUUID().slice(0, 13)}`
  const shared = process.env.TEST_S3_ENDPOINT
  if (shared) {
    const client = clientFor(shared)
    await client.send(new CreateBucketCommand({ Bucket: bucket }))
    return serverFor(shared, bucket, async () => {
      await emptyAndRemove(client, bucket).catch(() => undefined)
      client.destroy()
    })
  }

  const bin = await gofakes3Binary()
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const child = spawn(bin, ['-backend', 'memory', '-host', `127.0.0.1:${port}`, '-initialbucket', bucket, '-quiet'], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    let up = false
    for (let i = 0; i < 100 && child.exitCode === null && child.signalCode === null; i++) {
      if (await answers(port)) {
        up = true
        break
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    if (up) return serverFor(`http://127.0.0.1:${port}`, bucket, () => stopChild(child, exited))
    await stopChild(child, exited)
    // Another process may have taken the port between our probe and gofakes3's bind.
    if (attempt >= 3) throw new Error(`gofakes3 did not start on 127.0.0.1:${port}: ${stderr.trim() || 'no output'}`)
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  await exited
}
