/** NATS subjects and JetStream streams, named in one place. */
export const subjects = {
  boardCommand: (boardId: string) => `board.cmd.${boardId}`,
  boardCommandWildcard: 'board.cmd.*',
  jobProgress: (generationId: string) => `job.${generationId}.progress`,
} as const

export const streams = {
  /** Board commands from server-side writers; idempotent by command id (JetStream dedup window). */
  boardCommands: { name: 'BOARD_COMMANDS', subjects: ['board.cmd.*'] },
} as const
