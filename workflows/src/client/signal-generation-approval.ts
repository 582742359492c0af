import type { Client } from '@temporalio/client'
import { generationWorkflowId } from '@montage/core'
import { APPROVAL_SIGNAL, type TApprovalDecision } from '../approval-signal'

export type { TApprovalDecision } from '../approval-signal'

/**
 * Tells a waiting `generation/<id>` what was decided (`approve`: it reserves and runs; `refuse`: it
 * ends, charging nothing). The decision is recorded on the row first (`decideGenerationApproval`);
 * a workflow that already heard one ignores any later signal.
 */
export async function signalGenerationApproval(opts: { client: Client; generationId: string; decision: TApprovalDecision }): Promise<void> {
  await opts.client.workflow.getHandle(generationWorkflowId(opts.generationId)).signal(APPROVAL_SIGNAL, opts.decision)
}
