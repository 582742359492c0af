import { MODELS, type TModelId } from './models'
import { isRunwayModel, RUNWAY_MODELS, type TRunwayModelDefinition } from './runway-models'

export type TModelAvailability = { available: true } | { available: false; reason: string }

export interface ModelAvailabilityOptions {
  /** Whether the hosted worker has a Runway key (RUNWAYML_API_SECRET). */
  runwayConfigured: boolean
}

/**
 * Whether a model can run in this deployment. Runway models without a key stay in the menu,
 * greyed out with the reason, so people know they exist and what turns them on.
 */
export function modelAvailability(id: TModelId, opts: ModelAvailabilityOptions): TModelAvailability {
  const model = MODELS[id]
  if (isRunwayModel(id)) {
    const retired = (RUNWAY_MODELS[id] as TRunwayModelDefinition).retired
    if (retired) return { available: false, reason: retired }
  }
  if (model.backend === 'runway' && !opts.runwayConfigured) {
    return { available: false, reason: `${model.label} needs a Runway API key: set RUNWAYML_API_SECRET on the hosted worker.` }
  }
  return { available: true }
}

/** Every model of the catalogue with its availability, in catalogue order (none hidden). */
export function listModels(opts: ModelAvailabilityOptions): Array<{ id: TModelId; label: string; kind: string; backend: string } & TModelAvailability> {
  return (Object.keys(MODELS) as TModelId[]).map((id) => ({ id, label: MODELS[id].label, kind: MODELS[id].kind, backend: MODELS[id].backend, ...modelAvailability(id, opts) }))
}
