import { AppError, AppErrorCode } from '@montage/core'
import type { TUploadType } from './sniff-upload'

/**
 * Walks the top-level boxes of an MP4/MOV as its bytes stream past (nothing is read twice, so an
 * object store is not asked again): each box must end inside the file. ffprobe reads a file cut
 * short after its `moov` (a +faststart file) without complaint, but its last frames are gone.
 *
 * `push` every chunk in order, then `finish` with the total size; a problem is kept in `problem`
 * (the bytes may turn out not to be an MP4 at all, so pushing never throws) and `finish` throws it.
 */
export class IsoBoxWalker {
  /** Bytes pushed so far. */
  private seen = 0
  /** Where the next box header starts; Infinity once a box runs to the end of the file. */
  private next = 0
  /** The header bytes of the box at `next` gathered so far. */
  private header: number[] = []
  private lastName = ''
  private sawMoov = false
  problem: string | null = null

  push(chunk: Uint8Array): void {
    let i = 0
    while (!this.problem && i < chunk.length) {
      const at = this.seen + i
      if (at < this.next) {
        i += Math.min(chunk.length - i, this.next - at)
        continue
      }
      this.header.push(chunk[i]!)
      i++
      this.readHeader()
    }
    this.seen += chunk.length
  }

  /** Parses the gathered header once it is long enough, and moves on to the next box. */
  private readHeader(): void {
    const h = this.header
    if (h.length < 8) return
    const size32 = ((h[0]! << 24) >>> 0) + (h[1]! << 16) + (h[2]! << 8) + h[3]!
    if (size32 === 1 && h.length < 16) return
    const name = String.fromCharCode(...h.slice(4, 8))
    this.lastName = name
    if (name === 'moov') this.sawMoov = true
    let size: number
    if (size32 === 1) {
      size = Number(Buffer.from(h.slice(8, 16)).readBigUInt64BE(0))
    } else if (size32 === 0) {
      size = Infinity // the last box runs to the end of the file
    } else {
      size = size32
    }
    this.header = []
    if (size < 8) {
      this.problem = `box ${JSON.stringify(name)} has an impossible size`
      return
    }
    this.next += size
  }

  /** Throws the walk's verdict on a whole file of `byteSize` bytes (all of them pushed). */
  finish(byteSize: number, type: TUploadType): void {
    if (!this.problem) {
      if (this.header.length > 0) this.problem = 'a box header is cut off'
      else if (this.next !== Infinity && this.next > byteSize) this.problem = `box ${JSON.stringify(this.lastName)} ends ${this.next - byteSize} bytes past the end of the file`
      else if (!this.sawMoov) this.problem = 'moov atom not found'
    }
    if (this.problem) throw truncated(type, this.problem)
  }
}

export function truncated(type: TUploadType, reason: string): AppError {
  return new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label} cannot be read: it is truncated or damaged (${reason}).`, { field: 'body' })
}
