import type { TAssetProvenance, TAssetRow } from '@montage/db'

const EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'audio/wav': 'wav',
  'audio/mpeg': 'mp3',
  'audio/aac': 'aac',
}

/**
 * A name a person can keep: the model and variation for an output (`gen4_turbo-rv-1a2b3c4d-5e6f7a8b.mp4`),
 * `upload-<sha>` otherwise; the hash's first 8 characters tell two takes apart. Only [A-Za-z0-9._-].
 */
export function downloadFileName(asset: Pick<TAssetRow, 'sha256' | 'mimeType'>, provenance: TAssetProvenance): string {
  const ext = EXTENSIONS[asset.mimeType] ?? 'bin'
  const g = provenance.generation
  const stem = g ? `${g.model}-${g.variationId.replace(/^shape:/, '')}` : 'upload'
  return `${stem.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80)}-${asset.sha256.slice(0, 8)}.${ext}`
}

/** `Content-Disposition: attachment` with the name (already ASCII-safe) in both forms browsers read. */
export function attachment(fileName: string): string {
  return `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`
}
