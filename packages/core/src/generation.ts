import { z } from 'zod'
import { byModel } from './model-definition'
import { MODELS, ZModelId, type TModelId } from './models'
import { parseInput } from './parse-input'

/**
 * A job's state. `awaiting_approval` is the board's only (a job above the workspace's approval
 * threshold, before a producer decides); its row stays `queued`, with `approval = 'awaiting'`.
 */
export const ZGenerationStatus = z.enum(['queued', 'awaiting_approval', 'running', 'succeeded', 'failed', 'cancelled'])
/** The states a generation row holds (the database's enum). */
export const ZStoredGenerationStatus = ZGenerationStatus.exclude(['awaiting_approval'])
export type TGenerationStatus = z.infer<typeof ZGenerationStatus>

/** tldraw shape ids look like `shape:abc123`. */
export const ZShapeId = z.string().regex(/^shape:[A-Za-z0-9_-]{1,64}$/, 'must be a shape id like shape:abc')

export const ZSha256 = z.string().regex(/^[a-f0-9]{64}$/, 'must be a sha256 hex digest')

/** Body of `POST /api/generations`. The model's own schema checks `params` in a second pass. */
export const ZStartGenerationRequest = z
  .object({
    boardId: z.string().uuid(),
    shotId: ZShapeId,
    /** The variation shape the client already placed (queued); the server makes one up if absent. */
    variationId: ZShapeId.optional(),
    model: ZModelId,
    prompt: z.string().max(4000).default(''),
    params: z.record(z.string(), z.unknown()).default({}),
    /** The shot's linked references: the shape and the stored image it shows. */
    references: z
      .array(z.object({ shapeId: ZShapeId, assetSha256: ZSha256, /** The shape's `@tag`, so prompts can name it. */ tag: z.string().max(32).optional() }).strict())
      .max(8)
      .default([]),
  })
  .strict()
export type TStartGenerationRequest = z.infer<typeof ZStartGenerationRequest>

/** A generation model with its params, typed by model: narrowing on `model` narrows `params`. */
export const ZGenerationModelParams = byModel(MODELS, {})
export type TGenerationModelParams = z.infer<typeof ZGenerationModelParams>

/**
 * Parses `params` against the chosen model's schema and returns them with the model, typed
 * together; a problem is a BAD_REQUEST naming the field as the request spells it (`params.duration`).
 */
export function parseModelJob(model: TModelId, params: unknown): TGenerationModelParams {
  return parseInput(ZGenerationModelParams, { model, params })
}

/** The params alone of `parseModelJob`, for a caller that does not need them paired with the model. */
export function parseModelParams(model: TModelId, params: unknown): TGenerationModelParams['params'] {
  return parseModelJob(model, params).params
}

/** One `@tag` of a prompt, resolved at generation start: what the model receives. */
export const ZGenerationReference = z.object({
  tag: z.string().min(1).max(32),
  assetSha256: ZSha256,
  mimeType: z.string(),
})
export type TGenerationReference = z.infer<typeof ZGenerationReference>

/** What a workflow needs to run one job besides its model and params; everything already validated. */
export const GENERATION_INPUT_FIELDS = {
  generationId: z.string().uuid(),
  workspaceId: z.string().uuid(),
  boardId: z.string().uuid(),
  userId: z.string().uuid(),
  shotId: ZShapeId,
  variationId: ZShapeId,
  prompt: z.string().max(4000),
  /** sha256 of the reference images' stored bytes, in the order the shot lists them. */
  referenceAssets: z.array(ZSha256),
  referenceIds: z.array(ZShapeId),
  /** The prompt's `@tags`, resolved at start (absent in inputs recorded before tags existed). */
  references: z.array(ZGenerationReference).max(8).optional(),
  credits: z.number().int().nonnegative(),
  /** Priced above the workspace's approval threshold: the workflow waits for an owner's or producer's decision before reserving. */
  awaitApproval: z.boolean().optional(),
}

/** What `generationWorkflow` runs: the shared fields plus a generation model and its own params. */
export const ZGenerationInput = byModel(MODELS, GENERATION_INPUT_FIELDS)
/**
 * The schema's input type rather than its output: a workflow's input is read back from its
 * history, and an input recorded before a param existed lacks it (the activity's parse fills in
 * the default).
 */
export type TGenerationInput = z.input<typeof ZGenerationInput>

/** What the model activity returns. */
export const ZGenerationOutput = z.object({
  assetSha256: ZSha256,
  byteSize: z.number().int().positive(),
  posterSha256: ZSha256,
  posterByteSize: z.number().int().positive(),
  /** The hover-scrub strip of a clip; absent for stills (and for clips stored before strips existed). */
  stripSha256: ZSha256.optional(),
  stripByteSize: z.number().int().positive().optional(),
  stripFrames: z.number().int().positive().optional(),
  /**
   * The ≤720p H.264 web proxy that cards and review play, for a clip larger than 720p; absent
   * when the output is small enough to be its own proxy. Downloads and edits use the output.
   */
  proxySha256: ZSha256.optional(),
  proxyByteSize: z.number().int().positive().optional(),
  proxyWidth: z.number().int().positive().optional(),
  proxyHeight: z.number().int().positive().optional(),
  mimeType: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  durationSeconds: z.number(),
  fps: z.number(),
  /**
   * What the provider charged for the task, when it reports it (Runway's `cost.credits`): the
   * generation settles at this, never above its reservation. Absent for local renders, which
   * settle at the reserved price.
   */
  providerCredits: z.number().min(0).optional(),
})
export type TGenerationOutput = z.infer<typeof ZGenerationOutput>

export function generationWorkflowId(generationId: string): string {
  return `generation/${generationId}`
}

/** Where the Temporal UI shows a workflow (`TEMPORAL_UI_URL`, the namespace, the workflow id). */
export function temporalWorkflowUrl(ui: { url: string; namespace: string }, workflowId: string): string {
  return `${ui.url.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(workflowId)}`
}
