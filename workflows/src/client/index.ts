export * from './start-generation-workflow'
export type { GenerationWorkflowArgs, GenerationWorkflowResult } from '../workflows'
