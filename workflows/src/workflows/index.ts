export { generationWorkflow } from './generation'
export type { GenerationWorkflowArgs, GenerationWorkflowResult } from './generation'
