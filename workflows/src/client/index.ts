export * from './start-generation-workflow'
export type { GenerationWorkflowArgs, GenerationWorkflowResult } from '../workflows'
export * from './cancel-generation-workflow'
export * from './retry-generation-input'
