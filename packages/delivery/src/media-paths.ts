import type { TSequenceTimeline, TTimelineAudioItem, TTimelineClip } from '@montage/core'

/** A file of the delivery package that comes from the asset store. */
export interface TPackageMediaFile {
  path: string
  sha256: string
  mimeType: string
  kind: 'clip' | 'audio'
}

/** Where each clip's and sound's bytes sit in the package, relative to the hand-off files at its root. */
export interface TDeliveryMediaPaths {
  clip(clip: Pick<TTimelineClip, 'assetSha256'>): string
  audio(item: Pick<TTimelineAudioItem, 'assetSha256'>): string
  /** Each distinct file once, in the order the sequence first uses it. */
  files: TPackageMediaFile[]
}

const EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/aac': 'aac',
  'audio/mp4': 'm4a',
}

export const extensionOf = (mimeType: string): string => EXTENSIONS[mimeType.toLowerCase()] ?? 'bin'

/** A file-name part anyone can type: lower-case letters, digits and dashes, at most 40. */
export function slug(text: string, fallback: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '')
  return s || fallback
}

/**
 * Names every clip and sound of the sequence in the package: `clips/01-lighthouse-wide-1a2b3c4d.mp4`
 * (the order of first use, the shot, the first 8 hex digits of its sha256), `audio/…`. A variation
 * used twice is one file, so the editor relinks it once.
 */
export function deliveryMediaPaths(timeline: Pick<TSequenceTimeline, 'clips' | 'audioTracks'>): TDeliveryMediaPaths {
  const clipPaths = new Map<string, string>()
  const audioPaths = new Map<string, string>()
  const files: TPackageMediaFile[] = []
  const digits = Math.max(2, String(timeline.clips.length).length)
  for (const clip of timeline.clips) {
    if (clipPaths.has(clip.assetSha256)) continue
    const n = String(clipPaths.size + 1).padStart(digits, '0')
    const path = `clips/${n}-${slug(clip.label, 'clip')}-${clip.assetSha256.slice(0, 8)}.${extensionOf(clip.mimeType)}`
    clipPaths.set(clip.assetSha256, path)
    files.push({ path, sha256: clip.assetSha256, mimeType: clip.mimeType, kind: 'clip' })
  }
  for (const track of timeline.audioTracks) {
    for (const item of track.items) {
      if (audioPaths.has(item.assetSha256) || clipPaths.has(item.assetSha256)) continue
      const path = `audio/${slug(item.name, 'sound')}-${item.assetSha256.slice(0, 8)}.${extensionOf(item.mimeType)}`
      audioPaths.set(item.assetSha256, path)
      files.push({ path, sha256: item.assetSha256, mimeType: item.mimeType, kind: 'audio' })
    }
  }
  const found = (map: Map<string, string>, sha: string, what: string) => {
    const p = map.get(sha) ?? clipPaths.get(sha)
    if (!p) throw new Error(`The ${what} ${sha.slice(0, 12)}… is not part of this sequence's package.`)
    return p
  }
  return { clip: (c) => found(clipPaths, c.assetSha256, 'clip'), audio: (a) => found(audioPaths, a.assetSha256, 'sound'), files }
}
