import { z } from 'zod'

/**
 * Board history, asked of the collab-server over the same subject as other board commands
 * (`board.cmd.<boardId>`), because only the server holding the live document can take a
 * consistent checkpoint of it or restore one as a new edit.
 */
export const ZBoardHistoryCommand = z.discriminatedUnion('type', [
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal('checkpoint.create'),
    boardId: z.string().uuid(),
    /** Chosen by the caller, so a repeated command creates one checkpoint. */
    checkpointId: z.string().uuid(),
    name: z.string().trim().min(1).max(120),
    createdBy: z.string().uuid().optional(),
  }),
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal('checkpoint.restore'),
    boardId: z.string().uuid(),
    checkpointId: z.string().uuid(),
    createdBy: z.string().uuid().optional(),
  }),
])
export type TBoardHistoryCommand = z.infer<typeof ZBoardHistoryCommand>
