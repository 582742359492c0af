/*
 * What Runway charges for each model we offer, in Runway credits (one of ours is one of theirs):
 * the one table every Runway price is read from (jobCredits in pricing.ts is its only reader).
 *
 * `source` says where a figure comes from. Runway's own per-model table
 * (https://docs.dev.runwayml.com/guides/pricing) could not be read from here, so only the figures
 * marked `runway` were stated by Runway (or quoted from it in our issue tracker); `third-party`
 * figures come from a public summary of Runway's API table; `estimate` figures are ours, set at
 * or above what the model is likely to cost, because a hosted task is reserved at this price and
 * settled at the cost Runway reports for the task, never above the reserve (see completeGeneration).
 */

export type TRunwayPriceSource = 'runway' | 'third-party' | 'estimate'

export type TRunwayPrice =
  /**
   * Per second. `counts`: `output` is the clip's `params.duration`; `clip` the length of the clip
   * the model works from (Aleph's source, Act-Two's performance), which Runway bills and which
   * the client does not choose. `withAudio` when the model is asked for sound; `minimum` credits
   * a task costs however short.
   */
  | { per: 'second'; counts: 'output' | 'clip'; credits: number; withAudio?: number; minimum?: number; source: TRunwayPriceSource }
  /** Per image, by the value of one param (`resolution`, `quality`, `scaleFactor`); `default` when it has none. */
  | { per: 'image'; by?: 'resolution' | 'quality' | 'scaleFactor'; credits: Readonly<Record<string, number>>; source: TRunwayPriceSource }
  /** Per output frame, by output resolution: the upscaled clip's frames (its source's, no frame-rate boost). */
  | { per: 'frame'; by: 'resolution'; credits: Readonly<Record<string, number>>; source: TRunwayPriceSource }
  /** One credit per started `characters` of the prompt (speech). */
  | { per: 'characters'; characters: number; source: TRunwayPriceSource }
  /** One credit per started `seconds` of sound. */
  | { per: 'sound-seconds'; seconds: number; source: TRunwayPriceSource }

/**
 * The frame rate a clip is priced at when its own is not known (we store none): the highest our
 * ingest takes, so the reservation covers the clip; the settlement is Runway's reported cost.
 */
export const ASSUMED_MAX_FPS = 60

export const RUNWAY_PRICES = {
  'gen4.5': { per: 'second', counts: 'output', credits: 12, source: 'third-party' },
  gen4_turbo: { per: 'second', counts: 'output', credits: 5, source: 'third-party' },
  gen4_image: { per: 'image', by: 'resolution', credits: { '720p': 5, '1080p': 8 }, source: 'third-party' },
  gen4_image_turbo: { per: 'image', credits: { default: 2 }, source: 'third-party' },
  // Runway lists aleph2 at 28 credits a second with a 56-credit minimum (issue 14).
  aleph2: { per: 'second', counts: 'clip', credits: 28, minimum: 56, source: 'runway' },
  act_two: { per: 'second', counts: 'clip', credits: 5, source: 'third-party' },
  // "veo3.1 20–40, veo3.1_fast 10–15 credits/s" in the third-party summary; the SDK says audio
  // changes the price, so the higher figure is taken as the price with audio.
  'veo3.1': { per: 'second', counts: 'output', credits: 20, withAudio: 40, source: 'third-party' },
  'veo3.1_fast': { per: 'second', counts: 'output', credits: 10, withAudio: 15, source: 'third-party' },
  seedance2: { per: 'second', counts: 'output', credits: 40, withAudio: 40, source: 'estimate' },
  gpt_image_2: { per: 'image', by: 'quality', credits: { low: 3, medium: 10, high: 30 }, source: 'estimate' },
  'gemini_2.5_flash': { per: 'image', credits: { default: 5 }, source: 'third-party' },
  'gemini_image3.1_flash': { per: 'image', credits: { default: 8 }, source: 'estimate' },
  gemini_image3_pro: { per: 'image', credits: { default: 20 }, source: 'estimate' },
  magnific_video_upscaler_creative: { per: 'frame', by: 'resolution', credits: { '720p': 0.5, '1k': 0.5, '2k': 1, '4k': 2 }, source: 'estimate' },
  magnific_precision_upscaler_v2: { per: 'image', by: 'scaleFactor', credits: { 2: 10, 4: 20 }, source: 'estimate' },
  eleven_multilingual_v2: { per: 'characters', characters: 50, source: 'third-party' },
  eleven_text_to_sound_v2: { per: 'sound-seconds', seconds: 6, source: 'third-party' },
  upscale_v1: { per: 'second', counts: 'output', credits: 2, source: 'runway' },
} as const satisfies Record<string, TRunwayPrice>
