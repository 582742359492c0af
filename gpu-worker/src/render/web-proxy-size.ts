/** The web proxy fits in 1280×720, turned to the clip's orientation (720×1280 for a portrait clip). */
export const WEB_PROXY_LONG_SIDE = 1280
export const WEB_PROXY_SHORT_SIDE = 720

/** Whether a clip is larger than 720p by either side, in its own orientation (1920×1080, 1080×1920, 1584×672). */
export function exceedsWebProxy(width: number, height: number): boolean {
  return Math.max(width, height) > WEB_PROXY_LONG_SIDE || Math.min(width, height) > WEB_PROXY_SHORT_SIDE
}

/**
 * The proxy's size for a clip: the same aspect, scaled down (never up) to fit 720p, both sides
 * even (H.264 yuv420p needs them so); a clip already inside 720p keeps its size, rounded down to even.
 */
export function webProxySize(width: number, height: number): { width: number; height: number } {
  const landscape = width >= height
  const boxWidth = landscape ? WEB_PROXY_LONG_SIDE : WEB_PROXY_SHORT_SIDE
  const boxHeight = landscape ? WEB_PROXY_SHORT_SIDE : WEB_PROXY_LONG_SIDE
  const scale = Math.min(1, boxWidth / width, boxHeight / height)
  // Round first: 1280 / 1584 × 1584 must stay 1280, not fall to 1278 through a float error.
  const even = (v: number) => Math.max(2, 2 * Math.floor(Math.round(v * scale) / 2))
  return { width: even(width), height: even(height) }
}
