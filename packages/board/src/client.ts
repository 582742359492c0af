/**
 * What browsers import: shapes and the Yjs layout, without the server-side pieces (NATS,
 * schema validation of commands) that the package root also exports.
 */
export * from './shapes'
export * from './doc'
