import type { TGenerationOutput } from './generation'

/** Input of a hosted (provider) generation on the `hosted` queue. */
export interface TRunHostedModelInput {
  generationId: string
  workspaceId: string
  /** A catalogue id whose backend is not `local` (`gen4.5`, `gen4_turbo`, …). */
  model: string
  prompt: string
  /** Raw; the activity parses them with the model's schema (a bad value fails the variation, non-retryably). */
  params: Record<string, unknown>
  /** sha256 of the reference images (or clips) in the asset store, in the shot's order. */
  referenceAssets: string[]
}

/** Activities of the `hosted` queue, by name. Workflows import this type only. */
export interface THostedActivities {
  runHostedModel(input: TRunHostedModelInput): Promise<TGenerationOutput>
}
