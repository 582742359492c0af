import { z } from 'zod'
import { GENERATION_INPUT_FIELDS } from './generation'
import { layoutTimeline, sequenceRenderCredits, ZSequenceFps, ZSequenceTimeline, type TSequenceTimeline } from './sequence'

/**
 * The model id a sequence render's `generations` row and variation carry: what the board, the
 * feed and the metrics call it. Not a catalogue model: nobody picks it on a shot.
 */
export const SEQUENCE_RENDER_MODEL = 'sequence-render' as const

/** What the row keeps of a render's params (the timeline itself rides in the workflow input). */
export const ZSequenceRenderParams = z
  .object({
    prores: z.boolean(),
    fps: ZSequenceFps,
    totalFrames: z.number().int().min(1),
    clips: z.number().int().min(1),
  })
  .strict()
export type TSequenceRenderParams = z.infer<typeof ZSequenceRenderParams>

/**
 * What `sequenceRenderWorkflow` runs: the fields every generation has (its `shotId` is the
 * sequence's id, its `variationId` the placeholder under the sequence) plus the timeline read
 * off the board when Render was pressed, so what renders is what the person saw.
 */
export const ZSequenceRenderGenerationInput = z.object({
  ...GENERATION_INPUT_FIELDS,
  model: z.literal(SEQUENCE_RENDER_MODEL),
  params: ZSequenceRenderParams,
  timeline: ZSequenceTimeline,
})
export type TSequenceRenderGenerationInput = z.input<typeof ZSequenceRenderGenerationInput>

/** Who renders, where the render goes and under which ids: what the starter decides. */
export interface TSequenceRenderTarget {
  generationId: string
  workspaceId: string
  boardId: string
  userId: string
  variationId: string
}

/**
 * The workflow input of a render of `timeline`: the one builder, used by the web's start and by
 * tests, so the price on the row is always `sequenceRenderCredits` of what will render.
 */
export function sequenceRenderGenerationInput(target: TSequenceRenderTarget, timeline: TSequenceTimeline, prores: boolean): TSequenceRenderGenerationInput {
  const { totalFrames } = layoutTimeline(timeline)
  return {
    ...target,
    shotId: timeline.sequenceId,
    model: SEQUENCE_RENDER_MODEL,
    prompt: '',
    referenceAssets: [],
    referenceIds: [],
    credits: sequenceRenderCredits({ totalFrames, fps: timeline.fps, prores }),
    params: { prores, fps: timeline.fps, totalFrames, clips: timeline.clips.length },
    timeline,
  }
}
