import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'

const SHA256 = /^[a-f0-9]{64}$/

export interface StoredAsset {
  sha256: string
  byteSize: number
}

/**
 * A content-addressed folder: each blob lives at `<root>/<aa>/<sha256>`. Writes go to a temp
 * file first and are renamed into place, so a crash never leaves a half-written blob under its
 * final name, and storing the same bytes twice keeps one copy.
 */
export class AssetStore {
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`Not a sha256: ${sha256}`)
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

  /** Stores a file already on disk (an encoder's output) and removes the original. */
  async putFile(file: string): Promise<StoredAsset> {
    const hash = createHash('sha256')
    await pipeline(createReadStream(file), hash)
    const sha256 = hash.digest('hex')
    const { size } = await stat(file)
    if (await this.has(sha256)) {
      await rm(file, { force: true })
    } else {
      await this.moveIntoPlace(file, sha256)
    }
    return { sha256, byteSize: size }
  }

  async putStream(stream: Readable): Promise<StoredAsset> {
    const tmp = await this.tempPath()
    await pipeline(stream, createWriteStream(tmp))
    return this.putFile(tmp)
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await stat(this.pathOf(sha256))
      return true
    } catch {
      return false
    }
  }

  async size(sha256: string): Promise<number> {
    return (await stat(this.pathOf(sha256))).size
  }

  /** Reads a byte range (inclusive `start`, inclusive `end`), as HTTP Range does. */
  read(sha256: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(sha256), range)
  }

  private async tempPath(): Promise<string> {
    const dir = path.join(this.root, 'tmp')
    await mkdir(dir, { recursive: true })
    return path.join(dir, randomUUID())
  }

  private async moveIntoPlace(file: string, sha256: string): Promise<void> {
    const target = this.pathOf(sha256)
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
