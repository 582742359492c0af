import { z } from 'zod'

/*
 * What every catalogue entry is, kept apart from the catalogues themselves (models.ts,
 * runway-models.ts, edit-models.ts) so that each of them imports this file and none imports another
 * just for a type.
 */

export const ZAspectRatio = z.enum(['16:9', '9:16', '1:1'])
export type TAspectRatio = z.infer<typeof ZAspectRatio>

export type TModelKind = 'text_to_video' | 'image_to_video' | 'text_to_image' | 'video_edit' | 'performance' | 'upscale' | 'text_to_speech' | 'sound_effect'

export interface TModelDefinition<P extends z.ZodType = z.ZodType> {
  id: string
  label: string
  kind: TModelKind
  backend: 'local' | 'runway'
  /** Temporal task queue the model's activity runs on. */
  taskQueue: 'gpu' | 'hosted'
  /** Whether the model needs a reference image as its plate. */
  needsReference: boolean
  params: P
  /**
   * Local models: credits charged for one output second (see pricing.ts for how a job's seconds
   * are counted). Runway's models are priced by their row of RUNWAY_PRICES instead.
   */
  creditsPerSecond?: number
  description: string
}

type TCatalogue = Record<string, { id: string; params: z.ZodType }>

/** For each model of a catalogue: the shared fields, the model's id and its own params schema. */
export type TByModelOption<C extends TCatalogue, F extends z.core.$ZodShape> = {
  [K in keyof C & string]: z.ZodObject<Omit<F, 'model' | 'params'> & { model: z.ZodLiteral<K>; params: C[K]['params'] }>
}[keyof C & string]

/**
 * A job contract typed by model: one object per model of `catalogue`, discriminated on `model`,
 * whose `params` is that model's own schema. Narrowing on `model` narrows `params`, so the code
 * between the request and the renderer never casts them.
 */
export function byModel<C extends TCatalogue, F extends z.core.$ZodShape>(catalogue: C, fields: F) {
  const options = Object.values(catalogue).map((m) => z.object({ ...fields, model: z.literal(m.id), params: m.params }))
  // Object.values forgets which params schema goes with which id; the catalogues are keyed by id
  // (their `satisfies` says so), so the pairing TByModelOption states holds by construction.
  return z.discriminatedUnion('model', options as unknown as [TByModelOption<C, F>, ...TByModelOption<C, F>[]])
}
