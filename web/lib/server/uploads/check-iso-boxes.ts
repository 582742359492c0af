import { open } from 'node:fs/promises'
import { AppError, AppErrorCode } from '@montage/core'
import type { TUploadType } from './sniff-upload'

/**
 * Walks the top-level boxes of an MP4/MOV: each must end inside the file. ffprobe reads a file cut
 * short after its `moov` (a +faststart file) without complaint, but its last frames are gone.
 */
export async function checkIsoBoxes(file: string, byteSize: number, type: TUploadType): Promise<void> {
  const handle = await open(file, 'r')
  try {
    const header = Buffer.alloc(16)
    let offset = 0
    let sawMoov = false
    while (offset < byteSize) {
      const { bytesRead } = await handle.read(header, 0, 16, offset)
      if (bytesRead < 8) throw truncated(type, 'a box header is cut off')
      let size = header.readUInt32BE(0)
      const name = header.toString('latin1', 4, 8)
      if (name === 'moov') sawMoov = true
      if (size === 1) {
        if (bytesRead < 16) throw truncated(type, 'a box header is cut off')
        size = Number(header.readBigUInt64BE(8))
      } else if (size === 0) {
        size = byteSize - offset // the last box runs to the end of the file
      }
      if (size < 8) throw truncated(type, `box ${JSON.stringify(name)} has an impossible size`)
      if (offset + size > byteSize) throw truncated(type, `box ${JSON.stringify(name)} ends ${offset + size - byteSize} bytes past the end of the file`)
      offset += size
    }
    if (!sawMoov) throw truncated(type, 'moov atom not found')
  } finally {
    await handle.close()
  }
}

function truncated(type: TUploadType, reason: string): AppError {
  return new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label} cannot be read: it is truncated or damaged (${reason}).`, { field: 'body' })
}
