import { z } from 'zod'

/**
 * What a model activity publishes on NATS `job.<generationId>.progress`: its progress plus the board
 * and variation it renders for, so the collab-server can show it to that board's clients without a
 * database lookup. Absent board fields (inputs recorded before they existed) mean nobody is shown it.
 */
export const ZJobProgressMessage = z.object({
  generationId: z.string().min(1),
  boardId: z.string().uuid(),
  variationId: z.string().min(1).max(200),
  stage: z.enum(['queued', 'rendering', 'encoding', 'storing']),
  progress: z.number().min(0).max(1),
})
export type TJobProgressMessage = z.infer<typeof ZJobProgressMessage>

/** Where a model activity's progress is shown: carried in its input by the workflow. */
export const ZJobProgressTarget = z.object({
  boardId: z.string().optional(),
  variationId: z.string().optional(),
})
export type TJobProgressTarget = z.infer<typeof ZJobProgressTarget>

/** One live job as the collab-server's awareness entry lists it, keyed by variation id. */
export interface TLiveJob {
  generationId: string
  stage: TJobProgressMessage['stage']
  progress: number
  /** Epoch ms of the last report the server received. */
  at: number
}

/** The collab-server's own awareness state on a board: live jobs by variation id. */
export interface TServerAwarenessState {
  jobs: Record<string, TLiveJob>
}
