import type { TJobProgressTarget } from './job-progress'
import type { TGenerationOutput, TGenerationReference } from './generation'

/** Input of a hosted (provider) generation on the `hosted` queue. */
export interface TRunHostedModelInput extends TJobProgressTarget {
  generationId: string
  workspaceId: string
  /** A catalogue id whose backend is not `local` (`gen4.5`, `gen4_turbo`, …). */
  model: string
  prompt: string
  /** Raw; the activity parses them with the model's schema (a bad value fails the variation, non-retryably). */
  params: Record<string, unknown>
  /** sha256 of the reference images (or clips) in the asset store, in the shot's order. */
  referenceAssets: string[]
  /** The prompt's resolved `@tags`; image models send them as tagged `referenceImages`. */
  references?: TGenerationReference[]
}

/** Activities of the `hosted` queue, by name. Workflows import this type only. */
export interface THostedActivities {
  runHostedModel(input: TRunHostedModelInput): Promise<TGenerationOutput>
}
