import { isLocalEditModel, LOCAL_EDIT_MODELS, type TLocalEditModelId } from './edit-models'
import { MODELS, type TModelId } from './models'
import { isRunwayModel, RUNWAY_MODELS, type TRunwayModelDefinition } from './runway-models'

/** Any model a job can name: a shot's generation model or an edit. */
export type TJobModelId = TModelId | TLocalEditModelId

export interface TPricedJob {
  model: TJobModelId
  /** The params as the model's schema parsed them (defaults filled in); only these two count. */
  params: { readonly duration?: number; readonly resolution?: string; readonly [param: string]: unknown }
  /** Length in seconds of the still (0) or clip a local edit works on. */
  sourceSeconds?: number
  /** The prompt, for a model priced by its length (text to speech); trimmed as the request sends it. */
  prompt?: string
}

/**
 * The price of a job, in credits: the one rule the Generate and Edit buttons, the server that
 * reserves the credits and the workflows that settle them all use.
 * - Runway stills: per image, by resolution (Runway's published credits);
 * - Runway speech: per started 50 characters of the trimmed prompt; sound effects per started 6 s;
 * - local edits: per second of the source they edit, a still counting as one;
 * - every other model: per output second of `params.duration` (a still has a duration of 1).
 */
export function jobCredits({ model, params, sourceSeconds = 0, prompt = '' }: TPricedJob): number {
  if (isLocalEditModel(model)) {
    return Math.ceil(LOCAL_EDIT_MODELS[model].creditsPerSecond * Math.max(1, Math.ceil(sourceSeconds)))
  }
  if (isRunwayModel(model)) {
    const runway: TRunwayModelDefinition = RUNWAY_MODELS[model]
    const perImage = runway.runway.creditsPerImage
    if (perImage) return perImage[params.resolution ?? 'default'] ?? perImage.default ?? runway.creditsPerSecond
    const { charactersPerCredit, secondsPerCredit } = runway.runway
    if (charactersPerCredit) return Math.max(1, Math.ceil(prompt.trim().length / charactersPerCredit))
    if (secondsPerCredit) return Math.max(1, Math.ceil((params.duration ?? 1) / secondsPerCredit))
  }
  return Math.ceil(MODELS[model].creditsPerSecond * (params.duration ?? 1))
}
