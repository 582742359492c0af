/** NATS subjects and JetStream streams, named in one place. */
export const subjects = {
  boardCommand: (boardId: string) => `board.cmd.${boardId}`,
  boardCommandWildcard: 'board.cmd.*',
  workspaceFeed: (workspaceId: string) => `feed.ws.${workspaceId}`,
  jobProgress: (generationId: string) => `job.${generationId}.progress`,
  jobProgressWildcard: 'job.*.progress',
  /** Core NATS (no stream): a session was signed out or revoked (`ZSessionRevokedMessage`). */
  sessionRevoked: 'auth.session.revoked',
  /** Core NATS (no stream): a member's role changed or they left the workspace (`ZMembershipChangedMessage`). */
  membershipChanged: 'auth.membership.changed',
} as const

export const streams = {
  /** Board commands from server-side writers; idempotent by command id (JetStream dedup window). */
  boardCommands: { name: 'BOARD_COMMANDS', subjects: ['board.cmd.*'] },
  /** Per-workspace notifications (mentions, new variations, approvals); readers keep their place in Postgres. */
  workspaceFeed: { name: 'WORKSPACE_FEED', subjects: ['feed.ws.*'] },
} as const
