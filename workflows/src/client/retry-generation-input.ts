import type { TGenerationInput } from '@montage/core'

export interface RetryGenerationInputOptions {
  /** The failed or cancelled generation. */
  previous: TGenerationInput
  /** Fresh ids: a retry is a new generation (its own credits, its own variation) of the same shot. */
  generationId: string
  variationId: string
}

/** The input of a Retry: the same shot, model, prompt, params and references under new ids. */
export function retryGenerationInput({ previous, generationId, variationId }: RetryGenerationInputOptions): TGenerationInput {
  return { ...previous, generationId, variationId }
}
