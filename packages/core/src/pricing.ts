import { isLocalEditModel, LOCAL_EDIT_MODELS, type TLocalEditModelId } from './edit-models'
import { MODELS, type TModelId } from './models'
import { ASSUMED_MAX_FPS, RUNWAY_PRICES, type TRunwayPrice } from './runway-prices'
import { isRunwayModel } from './runway-models'

/** Any model a job can name: a shot's generation model or an edit. */
export type TJobModelId = TModelId | TLocalEditModelId

export interface TPricedJob {
  model: TJobModelId
  /** The params as the model's schema parsed them (defaults filled in). */
  params: { readonly duration?: number; readonly [param: string]: unknown }
  /**
   * Length in seconds of the still (0) or clip the job works from: a local edit's or an upscale's
   * source, Aleph's clip, Act-Two's performance.
   */
  sourceSeconds?: number
  /** The source clip's frame rate, when known (per-frame prices); `ASSUMED_MAX_FPS` otherwise. */
  sourceFps?: number
  /** The prompt, for a model priced by its length (text to speech); trimmed as the request sends it. */
  prompt?: string
}

/**
 * The price of a job, in credits: the one rule the Generate and Edit buttons, the server that
 * reserves the credits and the workflows that settle them all use (a hosted task then settles at
 * the cost Runway reports, never above this).
 * - Runway models: by their row of RUNWAY_PRICES (per second of output or of the clip they work
 *   from, per image, per output frame, per characters or seconds of sound);
 * - local edits: per second of the source they edit, a still counting as one;
 * - the local previz: per output second of `params.duration`.
 */
export function jobCredits({ model, params, sourceSeconds = 0, sourceFps, prompt = '' }: TPricedJob): number {
  if (isLocalEditModel(model)) {
    return Math.ceil(LOCAL_EDIT_MODELS[model].creditsPerSecond * Math.max(1, Math.ceil(sourceSeconds)))
  }
  if (isRunwayModel(model)) return runwayCredits(RUNWAY_PRICES[model], { params, sourceSeconds, sourceFps, prompt })
  return Math.ceil(MODELS[model].creditsPerSecond * (params.duration ?? 1))
}

function runwayCredits(price: TRunwayPrice, job: Required<Pick<TPricedJob, 'params' | 'sourceSeconds' | 'prompt'>> & Pick<TPricedJob, 'sourceFps'>): number {
  const { params } = job
  switch (price.per) {
    case 'second': {
      const seconds = price.counts === 'clip' ? Math.max(1, Math.ceil(job.sourceSeconds)) : (params.duration ?? 1)
      const perSecond = params.audio === true && price.withAudio !== undefined ? price.withAudio : price.credits
      return Math.max(price.minimum ?? 0, Math.ceil(perSecond * seconds))
    }
    case 'image': {
      const key = price.by ? String(params[price.by] ?? 'default') : 'default'
      return price.credits[key] ?? Math.max(...Object.values(price.credits))
    }
    case 'frame': {
      const frames = Math.max(1, Math.ceil(job.sourceSeconds * (job.sourceFps ?? ASSUMED_MAX_FPS)))
      const perFrame = price.credits[String(params[price.by])] ?? Math.max(...Object.values(price.credits))
      return Math.ceil(frames * perFrame)
    }
    case 'characters':
      return Math.max(1, Math.ceil(job.prompt.trim().length / price.characters))
    case 'sound-seconds':
      return Math.max(1, Math.ceil((params.duration ?? 1) / price.seconds))
  }
}
