import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { EnvError } from '@montage/core'
import { createLogger, withLogContext, type CreateLoggerOptions } from '../src/log'
import { temporalLoggerFor } from '../src/temporal-runtime'

/** A logger writing into an array of parsed lines. */
function capture(name = 'test', options: CreateLoggerOptions = {}) {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return { logger: createLogger(name, { ...options, destination }), lines }
}

const savedLevel = process.env.LOG_LEVEL
afterEach(() => {
  if (savedLevel === undefined) delete process.env.LOG_LEVEL
  else process.env.LOG_LEVEL = savedLevel
})

describe('createLogger', () => {
  it('writes one JSON object per line: time, level as a word, the process name, the message, then fields', () => {
    const { logger, lines } = capture('collab-server')
    logger.child({ boardId: 'b1' }).info({ userId: 'u1' }, 'closing connection')
    expect(lines).toEqual([{ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: 'info', name: 'collab-server', pid: process.pid, hostname: expect.any(String), boardId: 'b1', userId: 'u1', msg: 'closing connection' }])
  })

  it('keeps an error as its type, message and stack under err', () => {
    const { logger, lines } = capture()
    logger.error({ err: new TypeError('boom') }, 'failed')
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'failed', err: { type: 'TypeError', message: 'boom', stack: expect.stringContaining('TypeError: boom') } })
  })

  it('withLogContext puts its ids on every line logged inside it, across awaits, and nowhere else', async () => {
    const { logger, lines } = capture()
    await withLogContext({ requestId: 'r1' }, async () => {
      await new Promise((r) => setTimeout(r, 1))
      logger.info('inside')
      await withLogContext({ boardId: 'b1' }, async () => logger.info('nested'))
    })
    logger.info('outside')
    expect(lines.map((l) => [l.msg, l.requestId, l.boardId])).toEqual([
      ['inside', 'r1', undefined],
      ['nested', 'r1', 'b1'],
      ['outside', undefined, undefined],
    ])
  })

  it('logs at LOG_LEVEL and above', () => {
    process.env.LOG_LEVEL = 'warn'
    const { logger, lines } = capture()
    logger.info('dropped')
    logger.warn('kept')
    expect(lines.map((l) => l.msg)).toEqual(['kept'])
  })

  it('refuses a LOG_LEVEL it does not know, naming it', () => {
    process.env.LOG_LEVEL = 'verbose'
    expect(() => capture()).toThrow(EnvError)
    expect(() => capture()).toThrow(/LOG_LEVEL/)
  })
})

describe('temporalLoggerFor', () => {
  it('writes the SDK lines with their ids: workflowRunId as runId, no task token, errors as err', () => {
    const { logger, lines } = capture('gpu-worker')
    const temporal = temporalLoggerFor(logger)
    temporal.warn('Activity failed', { workflowId: 'generation/g1', workflowRunId: 'run-1', activityType: 'renderPreviz', taskToken: 'c2VjcmV0', error: new Error('ffmpeg died'), sdkComponent: 'activity' })
    temporal.log('DEBUG', 'not at info')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'Activity failed', workflowId: 'generation/g1', runId: 'run-1', activityType: 'renderPreviz', sdkComponent: 'activity', err: { message: 'ffmpeg died' } })
    expect(lines[0]).not.toHaveProperty('taskToken')
    expect(lines[0]).not.toHaveProperty('workflowRunId')
  })
})
