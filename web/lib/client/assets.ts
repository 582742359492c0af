export interface TUploadResult {
  sha256: string
  mimeType: string
  width: number
  height: number
}

/** Uploads raw image bytes with progress (fetch has no upload progress, XHR does). */
export function uploadImage(boardId: string, file: File, onProgress: (fraction: number) => void): Promise<TUploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/uploads?boardId=${encodeURIComponent(boardId)}`)
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream')
    xhr.responseType = 'json'
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total)
    }
    xhr.onload = () => {
      const body = xhr.response as { asset?: Omit<TUploadResult, 'width' | 'height'> & { width: number | null; height: number | null }; error?: { message: string } } | null
      const asset = body?.asset
      if (xhr.status >= 200 && xhr.status < 300 && asset?.sha256) resolve({ sha256: asset.sha256, mimeType: asset.mimeType, width: asset.width ?? 0, height: asset.height ?? 0 })
      else reject(new Error(body?.error?.message ?? `Upload failed (${xhr.status})`))
    }
    xhr.onerror = () => reject(new Error('Upload failed: the connection dropped.'))
    xhr.send(file)
  })
}

/**
 * A prompt tag from a file name, in the alphabet prompts and the library take (`ZReferenceTag`:
 * lowercase letters, digits and _, starting with a letter): `Hero Shot (2).png` → `hero_shot_2`,
 * `2024-bottle.jpg` → `ref_2024_bottle`.
 */
export function tagFromFileName(name: string): string {
  const base = name.replace(/\.[^.]+$/, '').toLowerCase()
  const tag = base.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
  if (!tag) return 'ref'
  return (/^[a-z]/.test(tag) ? tag : `ref_${tag}`).slice(0, 32).replace(/_+$/, '')
}

/** What a person types as a tag, kept to the same alphabet as they type (a leading @ dropped). */
export function sanitizeTag(input: string): string {
  return input.toLowerCase().replace(/^@/, '').replace(/-/g, '_').replace(/[^a-z0-9_]/g, '').slice(0, 32)
}
