import { describe, expect, it } from 'vitest'
import { parseEnv } from '@montage/core'
import { DEFAULT_CONNECTION_LIMITS } from '../src'
import { limitsFromEnv, ZLimitsEnv } from '../src/limits-from-env'

describe('limits from the environment', () => {
  it('default to the built-in limits', () => {
    const limits = limitsFromEnv(parseEnv(ZLimitsEnv, {}))
    expect(limits.limits).toEqual(DEFAULT_CONNECTION_LIMITS)
    expect(limits).toMatchObject({ maxPayloadBytes: 10 * 1024 * 1024, relayMaxPendingBytes: 64 * 1024 * 1024, reconcileIntervalMs: 60_000 })
  })

  it('take each variable, and a bad value stops the process with its name', () => {
    const limits = limitsFromEnv(parseEnv(ZLimitsEnv, { COLLAB_MAX_QUEUED_BYTES: '1048576', COLLAB_MAX_PRESENCE_BYTES: '4096', COLLAB_BOARD_ENCODES_PER_S: '2.5', COLLAB_RECONCILE_INTERVAL_MS: '0' }))
    expect(limits.limits).toMatchObject({ maxQueuedBytes: 1_048_576, presence: { maxEntryBytes: 4096 }, syncAnswers: { perBoard: { perSecond: 2.5 } } })
    expect(limits.reconcileIntervalMs).toBe(0)
    expect(() => parseEnv(ZLimitsEnv, { COLLAB_MAX_HELD_BYTES: 'lots' })).toThrow(/COLLAB_MAX_HELD_BYTES/)
    expect(() => parseEnv(ZLimitsEnv, { COLLAB_MAX_QUEUED_BYTES: '-1' })).toThrow(/COLLAB_MAX_QUEUED_BYTES/)
  })
})
