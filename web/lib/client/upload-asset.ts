import { ZUploadResponse, type TUploadResponse } from '@montage/core'
import { refusalOf } from './request-json'

export interface UploadAssetOptions {
  boardId: string
  file: Blob
  /** The board shape that shows the upload: the ingest workflow patches it when renditions are ready. */
  shapeId?: string
  onProgress?: (fraction: number) => void
}

/**
 * Sends a file's raw bytes to `POST /api/uploads` with progress (fetch has no upload progress,
 * XHR does). Rejects with the server's own message when it refuses the file.
 */
export function uploadAsset({ boardId, file, shapeId, onProgress }: UploadAssetOptions): Promise<TUploadResponse> {
  return new Promise((resolve, reject) => {
    const query = new URLSearchParams({ boardId })
    if (shapeId) query.set('shapeId', shapeId)
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/uploads?${query.toString()}`)
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream')
    xhr.responseType = 'json'
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(e.loaded / e.total)
    }
    xhr.onload = () => {
      const body: unknown = xhr.response
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(refusalOf(xhr.status, body, (status) => `The upload was refused (${status}).`))
        return
      }
      const parsed = ZUploadResponse.safeParse(body)
      if (parsed.success) resolve(parsed.data)
      else reject(new Error('The server answered the upload in an unexpected shape.'))
    }
    xhr.onerror = () => reject(new Error('Upload failed: the connection dropped.'))
    xhr.send(file)
  })
}
