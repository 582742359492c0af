import { AppError, AppErrorCode, UPLOAD_LIMITS } from '@montage/core'
import { readImageInfo } from '../image-size'
import type { TUploadType } from './sniff-upload'

/**
 * The still's size from its header, refused past the pixel limits before anything decodes it:
 * this is what stops a decompression bomb (a few KB of PNG that inflate to gigabytes).
 */
export function checkImageUpload(head: Uint8Array, type: TUploadType): { width: number; height: number } {
  const info = readImageInfo(head)
  if (!info) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label}'s header cannot be read: the file is truncated or damaged.`, { field: 'body' })
  const { width, height } = info
  const side = UPLOAD_LIMITS.imageMaxSide
  if (width > side || height > side) {
    throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `${width}×${height} pixels is over the ${side}×${side} limit.`, { field: 'body' })
  }
  if (width * height > UPLOAD_LIMITS.imageMaxPixels) {
    const mp = (n: number) => `${Math.round(n / 1e5) / 10} MP`
    throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `${width}×${height} pixels (${mp(width * height)}) is over the ${mp(UPLOAD_LIMITS.imageMaxPixels)} limit.`, { field: 'body' })
  }
  return { width, height }
}
