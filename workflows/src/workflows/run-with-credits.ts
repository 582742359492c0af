import { ActivityFailure, ApplicationFailure, CancellationScope, condition, defineSignal, isCancellation, setHandler } from '@temporalio/workflow'
import type { TGenerationOutput } from '@montage/core'
import type { ControlActivities, TControlGenerationInput } from '../activities'
import { APPROVAL_SIGNAL, type TApprovalDecision } from '../approval-signal'

type TControl = Pick<ControlActivities, 'reserveGenerationCredits' | 'markGenerationStarted' | 'completeGeneration' | 'finishGenerationUnsuccessfully' | 'markGenerationAwaitingApproval'>

export const approvalSignal = defineSignal<[TApprovalDecision]>(APPROVAL_SIGNAL)

/**
 * A job above the approval threshold: tell the board and the approvers, then wait (durably, for
 * as long as it takes) for the first decision. Refused, or cancelled while waiting: the job ends
 * with nothing reserved. Only inputs that ask to wait add any step, so older runs replay as before.
 */
async function awaitApproval(control: TControl, input: TControlGenerationInput): Promise<void> {
  let decision: TApprovalDecision | undefined
  setHandler(approvalSignal, (d) => {
    decision ??= d
  })
  try {
    await control.markGenerationAwaitingApproval(input)
    await condition(() => decision !== undefined)
  } catch (err) {
    if (!isCancellation(err)) throw err
    await CancellationScope.nonCancellable(() => control.finishGenerationUnsuccessfully({ input, status: 'cancelled', reason: 'Cancelled.' }))
    throw err
  }
  if (decision!.decision === 'refuse') {
    const reason = `Refused by ${decision!.userName}.`
    await control.finishGenerationUnsuccessfully({ input, status: 'cancelled', reason })
    throw ApplicationFailure.nonRetryable(reason, 'GENERATION_REFUSED')
  }
}

/** The root cause of an activity failure, as a sentence a person can act on. */
export function reasonOf(err: unknown, fallback: string): string {
  let e: unknown = err
  while (e instanceof ActivityFailure && e.cause) e = e.cause
  return e instanceof Error && e.message ? e.message : fallback
}

/**
 * The bookkeeping every generation and edit shares around its render: reserve credits, mark it
 * running, render, record and settle; every way out (failure, cancel) releases the credits and
 * tells the board. Only where the output comes from differs, so that is the callback.
 */
export async function runWithCredits(
  control: TControl,
  input: TControlGenerationInput,
  render: () => Promise<TGenerationOutput>,
  unknownReason: string,
): Promise<TGenerationOutput> {
  if (input.awaitApproval) await awaitApproval(control, input)
  try {
    // Not cancellable: a cancel that arrived mid-reserve would otherwise leave the reservation
    // committed with nobody to release it. A pending cancel surfaces at the next step instead.
    await CancellationScope.nonCancellable(() => control.reserveGenerationCredits(input))
  } catch (err) {
    const reason = reasonOf(err, unknownReason)
    await CancellationScope.nonCancellable(() => control.finishGenerationUnsuccessfully({ input, status: 'failed', reason }))
    throw ApplicationFailure.nonRetryable(reason, 'GENERATION_FAILED')
  }

  try {
    await control.markGenerationStarted(input)
    const output = await render()
    await control.completeGeneration({ input, output })
    return output
  } catch (err) {
    const cancelled = isCancellation(err)
    const reason = cancelled ? 'Cancelled.' : reasonOf(err, unknownReason)
    // Runs even when the workflow itself is being cancelled.
    await CancellationScope.nonCancellable(() => control.finishGenerationUnsuccessfully({ input, status: cancelled ? 'cancelled' : 'failed', reason }))
    if (cancelled) throw err
    throw ApplicationFailure.nonRetryable(reason, 'GENERATION_FAILED')
  }
}
