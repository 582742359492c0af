/**
 * What a browser plays of a clip: its ≤720p web proxy when it has one, the original otherwise
 * (outputs at or below 720p, stills, and clips stored before proxies existed). Downloads and
 * edits always take the original.
 */
export function playbackSha256(media: { assetSha256: string; proxySha256?: string | null }): string {
  return media.proxySha256 || media.assetSha256
}
