import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import { subjects, ZJobProgressMessage } from '@montage/core'
import type { BoardRoom } from './BoardRoom'
import { errorFields, type TLogger } from './logger'

export interface TRelayJobProgressOptions {
  nats: NatsConnection
  /** The room of a board this instance has loaded, if any; boards nobody watches here are skipped. */
  loadedRoom: (boardId: string) => BoardRoom | undefined
  logger: TLogger
}

/**
 * Every instance subscribes (no queue group): each shows the jobs of the boards it holds to its
 * own clients, so nothing about progress has to cross the board relay.
 */
export function relayJobProgress({ nats, loadedRoom, logger }: TRelayJobProgressOptions): { stop(): void } {
  const decoder = new TextDecoder()
  const sub: Subscription = nats.subscribe(subjects.jobProgressWildcard, {
    callback: (err, msg) => {
      if (err) return logger.warn('job progress subscription error', errorFields(err))
      let raw: unknown
      try {
        raw = JSON.parse(decoder.decode(msg.data))
      } catch (e) {
        return logger.warn('job progress dropped: not JSON', { subject: msg.subject, ...errorFields(e) })
      }
      // Activities started before progress named its board: nobody can be shown it, and it is not an error.
      if (typeof raw === 'object' && raw !== null && !('boardId' in raw)) return
      const parsed = ZJobProgressMessage.safeParse(raw)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        return logger.warn('job progress dropped: invalid', { subject: msg.subject, field: issue?.path.join('.'), reason: issue?.message })
      }
      if (msg.subject !== subjects.jobProgress(parsed.data.generationId)) {
        return logger.warn('job progress dropped: subject and generation differ', { subject: msg.subject, generationId: parsed.data.generationId })
      }
      loadedRoom(parsed.data.boardId)?.reportJobProgress(parsed.data)
    },
  })
  return { stop: () => sub.unsubscribe() }
}
