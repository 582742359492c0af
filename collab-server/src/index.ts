export { createCollabServer, type CollabServer, type CreateCollabServerOptions } from './createCollabServer'
export { BoardRoom, type TPersistenceOptions } from './BoardRoom'
export type { TLogger } from './logger'
