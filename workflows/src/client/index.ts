// Starting, cancelling and querying workflows only: the rows and credits of a start are the
// caller's (web's `lib/server/generations`).
export * from './start-generation-workflow'
export type { GenerationWorkflowArgs, GenerationWorkflowResult } from '../workflows'
export * from './cancel-generation-workflow'
export * from './generation-start-input'
export * from './start-batch-generation-workflow'
export * from './start-edit-generation-workflow'
export * from './start-ingest-asset-workflow'
export * from './start-sequence-render-workflow'
export * from './start-webhook-deliveries'
export * from './signal-generation-approval'
