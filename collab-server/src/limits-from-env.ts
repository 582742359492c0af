import { z } from 'zod'
import type { TConnectionLimits } from './BoardConnection'
import { DEFAULT_CONNECTION_LIMITS } from './BoardRooms'
import { DEFAULT_RECONCILE_INTERVAL_MS } from './createCollabServer'

const d = DEFAULT_CONNECTION_LIMITS
const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback)

/** The collab-server's limits as environment variables (README, "Environment"); each defaults to the built-in value. */
export const ZLimitsEnv = z.object({
    COLLAB_MAX_FRAME_BYTES: positive(10 * 1024 * 1024),
    COLLAB_MESSAGES_PER_S: positive(d.rate.perSecond),
    COLLAB_MESSAGE_BURST: positive(d.rate.burst),
    COLLAB_INBOUND_BYTES_PER_S: positive(d.inboundBytes.perSecond),
    COLLAB_INBOUND_BURST_BYTES: positive(d.inboundBytes.burst),
    COLLAB_MAX_HELD_UPDATES: positive(d.maxHeldUpdates),
    COLLAB_MAX_HELD_BYTES: positive(d.maxHeldBytes),
    COLLAB_MAX_QUEUED_BYTES: positive(d.maxQueuedBytes),
    COLLAB_MAX_PRESENCE_BYTES: positive(d.presence.maxEntryBytes),
    COLLAB_PRESENCE_BYTES_PER_S: positive(d.presence.rate.perSecond),
    COLLAB_PRESENCE_BURST_BYTES: positive(d.presence.rate.burst),
    COLLAB_SYNC_ANSWERS_PER_S: z.coerce.number().positive().default(d.syncAnswers.perPerson.perSecond),
    COLLAB_SYNC_ANSWER_BURST: positive(d.syncAnswers.perPerson.burst),
    COLLAB_BOARD_ENCODES_PER_S: z.coerce.number().positive().default(d.syncAnswers.perBoard.perSecond),
    COLLAB_BOARD_ENCODE_BURST: positive(d.syncAnswers.perBoard.burst),
    COLLAB_RELAY_MAX_PENDING_BYTES: positive(64 * 1024 * 1024),
    COLLAB_RECONCILE_INTERVAL_MS: z.coerce.number().int().nonnegative().default(DEFAULT_RECONCILE_INTERVAL_MS),
  })
export type TLimitsEnv = z.infer<typeof ZLimitsEnv>

export interface TServerLimits {
  maxPayloadBytes: number
  limits: TConnectionLimits
  relayMaxPendingBytes: number
  reconcileIntervalMs: number
}

export function limitsFromEnv(env: TLimitsEnv): TServerLimits {
  return {
    maxPayloadBytes: env.COLLAB_MAX_FRAME_BYTES,
    limits: {
      rate: { perSecond: env.COLLAB_MESSAGES_PER_S, burst: env.COLLAB_MESSAGE_BURST },
      inboundBytes: { perSecond: env.COLLAB_INBOUND_BYTES_PER_S, burst: env.COLLAB_INBOUND_BURST_BYTES },
      maxHeldUpdates: env.COLLAB_MAX_HELD_UPDATES,
      maxHeldBytes: env.COLLAB_MAX_HELD_BYTES,
      maxQueuedBytes: env.COLLAB_MAX_QUEUED_BYTES,
      presence: { maxEntryBytes: env.COLLAB_MAX_PRESENCE_BYTES, rate: { perSecond: env.COLLAB_PRESENCE_BYTES_PER_S, burst: env.COLLAB_PRESENCE_BURST_BYTES } },
      syncAnswers: {
        perPerson: { perSecond: env.COLLAB_SYNC_ANSWERS_PER_S, burst: env.COLLAB_SYNC_ANSWER_BURST },
        perBoard: { perSecond: env.COLLAB_BOARD_ENCODES_PER_S, burst: env.COLLAB_BOARD_ENCODE_BURST },
      },
    },
    relayMaxPendingBytes: env.COLLAB_RELAY_MAX_PENDING_BYTES,
    reconcileIntervalMs: env.COLLAB_RECONCILE_INTERVAL_MS,
  }
}
