/**
 * `npm run bench -- assets`: upload and download throughput of a 200 MB clip through each store
 * (the local folder; S3 on a gofakes3 this bench starts), beside curl moving the same file to and
 * from the same S3 server in the same run. Each figure is the median of RUNS, ours and curl's
 * interleaved so a busy machine slows both alike.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFile, mkdtemp, open, rm, stat } from 'node:fs/promises'
import { createReadStream, createWriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import { LocalAssetStore, type AssetStore } from '../src'
import { startS3Server } from '../testing'

interface BenchEntry {
  value: number
  unit: string
  peer?: { name: string; value: number }
  ratio?: number
}

const MB = 1024 * 1024
const SIZE = 200 * MB
const RUNS = 5
const run = promisify(execFile)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const mbps = (ms: number) => Math.round((SIZE / MB / (ms / 1000)) * 10) / 10

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

/** A 200 MB file of random bytes (incompressible, like a clip). */
async function makeClip(file: string): Promise<void> {
  const handle = await open(file, 'w')
  try {
    for (let written = 0; written < SIZE; written += 8 * MB) await handle.write(randomBytes(Math.min(8 * MB, SIZE - written)))
  } finally {
    await handle.close()
  }
}

async function curlVersion(): Promise<string> {
  const { stdout } = await run('curl', ['--version'])
  return stdout.split(' ').slice(0, 2).join(' ')
}

export default async function assetsBench(): Promise<Record<string, BenchEntry>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'montage-assets-bench-'))
  const s3 = await startS3Server()
  try {
    const clip = path.join(dir, 'clip.bin')
    await makeClip(clip)
    const curl = await curlVersion()
    const out = path.join(dir, 'download.bin')

    /** Ours: putStream of the file (the path an upload takes), then read() to a file on disk. */
    const ours = async (store: AssetStore, sha256: string | null) => {
      if (sha256) await store.delete(sha256) // the same bytes again would be skipped
      let stored = ''
      const up = await timed(async () => (stored = (await store.putStream(createReadStream(clip))).sha256))
      const down = await timed(async () => pipeline(await store.read(stored), createWriteStream(out)))
      if ((await stat(out)).size !== SIZE) throw new Error('download size mismatch')
      await rm(out)
      return { up, down, sha256: stored }
    }

    // S3 through the store, against curl signing its own requests (SigV4) to the same server.
    const s3Store = s3.store()
    const sigv4 = ['--fail', '--silent', '--show-error', '--aws-sigv4', 'aws:amz:us-east-1:s3', '--user', 'test:test']
    const curlUrl = `${s3.endpoint}/${s3.bucket}/curl-clip`
    const s3Ours = { up: [] as number[], down: [] as number[] }
    const s3Curl = { up: [] as number[], down: [] as number[] }
    let sha: string | null = null
    for (let i = 0; i < RUNS; i++) {
      const r = await ours(s3Store, sha)
      sha = r.sha256
      s3Ours.up.push(r.up)
      s3Ours.down.push(r.down)
      s3Curl.up.push(await timed(() => run('curl', [...sigv4, '-T', clip, curlUrl])))
      s3Curl.down.push(await timed(() => run('curl', [...sigv4, '-o', out, curlUrl])))
      if ((await stat(out)).size !== SIZE) throw new Error('curl download size mismatch')
      await rm(out)
    }
    if (sha) await s3Store.delete(sha)

    // The local folder, against cp of the same file within the same disk.
    const local = new LocalAssetStore(path.join(dir, 'store'))
    const localOurs = { up: [] as number[], down: [] as number[] }
    const cp = { up: [] as number[], down: [] as number[] }
    sha = null
    for (let i = 0; i < RUNS; i++) {
      const r = await ours(local, sha)
      sha = r.sha256
      localOurs.up.push(r.up)
      localOurs.down.push(r.down)
      const copy = path.join(dir, 'copy.bin')
      cp.up.push(await timed(() => copyFile(clip, copy)))
      cp.down.push(await timed(() => pipeline(createReadStream(copy), createWriteStream(out))))
      await rm(copy)
      await rm(out)
    }

    const entry = (value: number, peerName: string, peer: number): BenchEntry => ({
      value,
      unit: 'MB/s',
      peer: { name: peerName, value: peer },
      ratio: Math.round((value / peer) * 1000) / 1000,
    })
    return {
      'assets.s3.upload_mb_per_s.200MB': entry(mbps(median(s3Ours.up)), `${curl} PUT (SigV4) to the same gofakes3`, mbps(median(s3Curl.up))),
      'assets.s3.download_mb_per_s.200MB': entry(mbps(median(s3Ours.down)), `${curl} GET (SigV4) from the same gofakes3`, mbps(median(s3Curl.down))),
      'assets.local.upload_mb_per_s.200MB': entry(mbps(median(localOurs.up)), 'cp of the same file on the same disk', mbps(median(cp.up))),
      'assets.local.download_mb_per_s.200MB': entry(mbps(median(localOurs.down)), 'a stream copy of a plain file on the same disk', mbps(median(cp.down))),
    }
  } finally {
    await s3.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
