import { z } from 'zod'
import { ZGenerationReference, ZSha256, type TGenerationOutput } from './generation'
import { ZJobProgressTarget } from './job-progress'
import { byModel } from './model-definition'
import { RUNWAY_MODELS } from './runway-models'

/** Input of a hosted (provider) generation on the `hosted` queue. */
export const ZRunHostedModelInput = ZJobProgressTarget.extend({
  generationId: z.string().min(1),
  workspaceId: z.string().min(1),
  /** A catalogue id whose backend is not `local` (`gen4.5`, `gen4_turbo`, …). */
  model: z.string(),
  prompt: z.string(),
  /**
   * As the workflow received them; the activity parses `model` and `params` together with
   * `ZHostedModelParams` (a bad value fails the variation, non-retryably).
   */
  params: z.record(z.string(), z.unknown()),
  /** sha256 of the reference images (or clips) in the asset store, in the shot's order. */
  referenceAssets: z.array(ZSha256),
  /** The prompt's resolved `@tags`; image models send them as tagged `referenceImages`. */
  references: z.array(ZGenerationReference).optional(),
})
export type TRunHostedModelInput = z.input<typeof ZRunHostedModelInput>

/** A Runway model with its params, typed by model: what the hosted adapter renders from. */
export const ZHostedModelParams = byModel(RUNWAY_MODELS, {})
export type THostedModelParams = z.infer<typeof ZHostedModelParams>

/** Activities of the `hosted` queue, by name. Workflows import this type only. */
export interface THostedActivities {
  runHostedModel(input: TRunHostedModelInput): Promise<TGenerationOutput>
}
