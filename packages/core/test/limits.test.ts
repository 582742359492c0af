import { describe, expect, it } from 'vitest'
import { AppError, AppErrorCode, EnvError, QUOTAS, RATE_LIMITS, ZLimitsEnv, formatBytes, formatSeconds, httpStatusFor, limitsFromEnv, parseEnv, wsCloseCodeFor } from '../src'

describe('limits from the environment', () => {
  it('has a default for every limit, and the table names each env variable once', () => {
    const limits = limitsFromEnv(parseEnv(ZLimitsEnv, {}))
    expect(limits.rates.signInPerAccount).toEqual({ max: 10, windowSeconds: 900 })
    expect(limits.rates.generationsPerPerson).toEqual({ max: 30, windowSeconds: 60 })
    expect(limits.quotas).toEqual({ workspaceStorageBytes: 10 * 1024 ** 3, boardsPerWorkspace: 500, checkpointsPerBoard: 200, guestCommentsPerLink: 1000 })
    const names = [...Object.values(RATE_LIMITS), ...Object.values(QUOTAS)].map((l) => l.env)
    expect(new Set(names).size).toBe(names.length)
    expect(Object.keys(ZLimitsEnv.shape).sort()).toEqual([...names].sort())
  })

  it('reads `count/window` and sizes, and a bad value names its variable', () => {
    const env = parseEnv(ZLimitsEnv, { RATE_LIMIT_PASSPHRASE_PER_LINK: '5 / 2h', QUOTA_WORKSPACE_STORAGE: '1.5GB', QUOTA_BOARDS_PER_WORKSPACE: '7' })
    expect(env.RATE_LIMIT_PASSPHRASE_PER_LINK).toEqual({ max: 5, windowSeconds: 7200 })
    expect(env.QUOTA_WORKSPACE_STORAGE).toBe(1.5 * 1024 ** 3)
    expect(env.QUOTA_BOARDS_PER_WORKSPACE).toBe(7)
    expect(() => parseEnv(ZLimitsEnv, { RATE_LIMIT_UPLOADS_PER_PERSON: 'lots' })).toThrow(EnvError)
    expect(() => parseEnv(ZLimitsEnv, { RATE_LIMIT_UPLOADS_PER_PERSON: 'lots' })).toThrow(/RATE_LIMIT_UPLOADS_PER_PERSON: must be a count and a window/)
    expect(() => parseEnv(ZLimitsEnv, { RATE_LIMIT_UPLOADS_PER_PERSON: '0/1m' })).toThrow(/RATE_LIMIT_UPLOADS_PER_PERSON/)
    expect(() => parseEnv(ZLimitsEnv, { QUOTA_WORKSPACE_STORAGE: '10 parsecs' })).toThrow(/QUOTA_WORKSPACE_STORAGE: must be a size/)
  })

  it('words waits and sizes as a person reads them', () => {
    expect([formatSeconds(1), formatSeconds(45), formatSeconds(900), formatSeconds(899), formatSeconds(3600), formatSeconds(86_400)]).toEqual([
      '1 second', '45 seconds', '15 minutes', '15 minutes', '1 hour', '1 day',
    ])
    expect([formatBytes(999), formatBytes(1536), formatBytes(10 * 1024 ** 3)]).toEqual(['999 bytes', '1.5 KB', '10 GB'])
  })
})

describe('limit errors', () => {
  it('map once to HTTP and WebSocket codes, and name their limit and wait in the JSON', () => {
    expect([httpStatusFor(AppErrorCode.RATE_LIMITED), wsCloseCodeFor(AppErrorCode.RATE_LIMITED)]).toEqual([429, 4429])
    expect([httpStatusFor(AppErrorCode.QUOTA_EXCEEDED), wsCloseCodeFor(AppErrorCode.QUOTA_EXCEEDED)]).toEqual([403, 4507])
    expect(wsCloseCodeFor(AppErrorCode.QUOTA_EXCEEDED)).not.toBe(wsCloseCodeFor(AppErrorCode.FORBIDDEN))
    const e = new AppError(AppErrorCode.RATE_LIMITED, 'Too many uploads by you: at most 3 in 1 hour. Try again in 12 minutes.', { limit: 'uploadsPerPerson', retryAfterSeconds: 700 })
    expect(e.toJSON()).toEqual({ error: { code: 'RATE_LIMITED', message: e.message, limit: 'uploadsPerPerson', retryAfterSeconds: 700 } })
    expect(new AppError(AppErrorCode.NOT_FOUND, 'gone').toJSON()).toEqual({ error: { code: 'NOT_FOUND', message: 'gone' } })
  })
})
