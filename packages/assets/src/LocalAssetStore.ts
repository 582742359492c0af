import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { assertSha256, hashingStream, sha256OfFile } from './sha256'
import { AssetNotFoundError, type AssetStore, type ByteRange, type PresignOptions, type StagedBlob, type StoredAsset } from './types'

/**
 * A content-addressed folder: each blob lives at `<root>/<aa>/<sha256>`. Writes go to a temp
 * file in `<root>/tmp` first and are renamed into place, so a crash never leaves a half-written
 * blob under its final name, and storing the same bytes twice keeps one copy.
 */
export class LocalAssetStore implements AssetStore {
  readonly kind = 'local' as const

  constructor(readonly root: string) {}

  /**
   * Where the blob's file is. Only for this store's own callers that know they hold a local
   * folder (tests that move a blob aside); workers use `withLocalFile`, which works on S3 too.
   */
  blobPath(sha256: string): string {
    assertSha256(sha256)
    return path.join(this.root, sha256.slice(0, 2), sha256)
  }

  async putBytes(bytes: Uint8Array): Promise<StoredAsset> {
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    if (await this.has(sha256)) return { sha256, byteSize: bytes.byteLength }
    const tmp = await this.tempPath()
    await writeFile(tmp, bytes)
    await this.moveIntoPlace(tmp, sha256)
    return { sha256, byteSize: bytes.byteLength }
  }

  async putFile(file: string): Promise<StoredAsset> {
    const sha256 = await sha256OfFile(file)
    const { size } = await stat(file)
    if (await this.has(sha256)) {
      await rm(file, { force: true })
    } else {
      await this.moveIntoPlace(file, sha256)
    }
    return { sha256, byteSize: size }
  }

  async putStream(stream: Readable): Promise<StoredAsset> {
    const staged = await this.stage(stream)
    return staged.commit()
  }

  async stage(stream: Readable): Promise<StagedBlob> {
    const tmp = await this.tempPath()
    const hashing = hashingStream()
    const file = createWriteStream(tmp)
    try {
      await pipeline(stream, hashing.stream, file)
    } catch (e) {
      // pipeline rejects on the first error, before the file stream has closed: one still opening
      // would create the temp file after it was removed, and leave it behind.
      await closed(file)
      await rm(tmp, { force: true })
      throw e
    }
    const sha256 = hashing.sha256()
    const byteSize = hashing.byteSize()
    let settled = false
    return {
      sha256,
      byteSize,
      source: async () => tmp,
      read: async (range?: ByteRange) => createReadStream(tmp, range),
      commit: async () => {
        if (settled) throw new Error('This staged blob was already committed or discarded.')
        settled = true
        if (await this.has(sha256)) await rm(tmp, { force: true })
        else await this.moveIntoPlace(tmp, sha256)
        return { sha256, byteSize }
      },
      discard: async () => {
        settled = true
        await rm(tmp, { force: true })
      },
    }
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await stat(this.blobPath(sha256))
      return true
    } catch {
      return false
    }
  }

  async size(sha256: string): Promise<number> {
    return (await this.statBlob(sha256)).size
  }

  async read(sha256: string, range?: ByteRange): Promise<Readable> {
    await this.statBlob(sha256)
    return createReadStream(this.blobPath(sha256), range)
  }

  async withLocalFile<T>(sha256: string, fn: (file: string) => Promise<T>): Promise<T> {
    await this.statBlob(sha256)
    return fn(this.blobPath(sha256))
  }

  /** No URL of its own: web serves the local folder's bytes. */
  async presignGet(sha256: string, _options: PresignOptions): Promise<string | null> {
    assertSha256(sha256)
    return null
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.blobPath(sha256), { force: true })
  }

  async sweepStale(olderThanMs: number): Promise<number> {
    const dir = path.join(this.root, 'tmp')
    const cutoff = Date.now() - olderThanMs
    let names: string[]
    try {
      names = await readdir(dir)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0
      throw e
    }
    let removed = 0
    for (const name of names) {
      const file = path.join(dir, name)
      const info = await stat(file).catch(() => null)
      if (!info || info.mtimeMs >= cutoff) continue
      await rm(file, { force: true, recursive: true })
      removed++
    }
    return removed
  }

  private async statBlob(sha256: string) {
    try {
      return await stat(this.blobPath(sha256))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new AssetNotFoundError(sha256)
      throw e
    }
  }

  private async tempPath(): Promise<string> {
    const dir = path.join(this.root, 'tmp')
    await mkdir(dir, { recursive: true })
    return path.join(dir, randomUUID())
  }

  private async moveIntoPlace(file: string, sha256: string): Promise<void> {
    const target = this.blobPath(sha256)
    await mkdir(path.dirname(target), { recursive: true })
    try {
      await rename(file, target)
    } catch (e) {
      // A file from another filesystem (the OS temp dir): copy through the temp folder.
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e
      const tmp = await this.tempPath()
      await pipeline(createReadStream(file), createWriteStream(tmp))
      await rename(tmp, target)
      await rm(file, { force: true })
    }
  }
}

/** Resolves once a file stream has closed (at once when it already has). */
function closed(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => (stream.closed ? resolve() : stream.once('close', () => resolve())))
}
