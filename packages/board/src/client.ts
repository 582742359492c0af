/**
 * What browsers import: shapes, the Yjs layout and the board's write policy (the canvas checks
 * a person's change as the collab-server will) and the sequence's timeline reader, without the NATS pieces the package root exports.
 */
export * from './shapes'
export * from './doc'
export * from './texts'
export * from './text-diff'
export * from './BoardRecords'
export * from './guard'
export * from './sequence-timeline'
export * from './received-update'
