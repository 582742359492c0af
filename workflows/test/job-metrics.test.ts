import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { Sql } from '@montage/db'
import { openTestDb } from '@montage/db/testing'
import { ensureBoardCommandStream } from '@montage/board'
import type { TGenerationOutput } from '@montage/core'
import { createJobMetrics, createMetricsRegistry, readMetric } from '@montage/runtime/ops'
import { createControlActivities } from '../src/activities/create-control-activities'
import { createControlGeneration } from './helpers'

// Real PostgreSQL and NATS JetStream: jobs and credits are counted when the row or the ledger
// moved, so an activity Temporal retries counts once.
let sql: Sql
let nc: NatsConnection

beforeAll(async () => {
  sql = await openTestDb()
  nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
  await ensureBoardCommandStream(await jetstreamManager(nc))
})

afterAll(async () => {
  await nc?.drain()
  await sql?.end()
})

const sha = (c: string) => c.repeat(64)

const generation = () => createControlGeneration(sql, { credits: 3, userName: 'Mira' })

describe('job metrics', () => {
  it('count each move of a generation once, however often its activity runs', async () => {
    const registry = createMetricsRegistry({ service: 'workflows' })
    const control = createControlActivities({ db: sql, js: jetstream(nc), metrics: createJobMetrics(registry) })
    const output: TGenerationOutput = { assetSha256: sha('1'), byteSize: 10, posterSha256: sha('2'), posterByteSize: 10, mimeType: 'video/mp4', width: 320, height: 180, durationSeconds: 1, fps: 24 }

    const ok = await generation()
    await control.reserveGenerationCredits(ok)
    for (let i = 0; i < 2; i++) await control.markGenerationStarted(ok)
    for (let i = 0; i < 2; i++) await control.completeGeneration({ input: ok, output })

    const failed = await generation()
    await control.reserveGenerationCredits(failed)
    for (let i = 0; i < 2; i++) await control.finishGenerationUnsuccessfully({ input: failed, status: 'failed', reason: 'The plate could not be read.' })

    const text = await registry.metrics()
    expect(readMetric(text, 'montage_jobs_total', { state: 'started', model: 'previz' })).toBe(1)
    expect(readMetric(text, 'montage_jobs_total', { state: 'succeeded', model: 'previz' })).toBe(1)
    expect(readMetric(text, 'montage_jobs_total', { state: 'failed', model: 'previz' })).toBe(1)
    expect(readMetric(text, 'montage_credits_total', { kind: 'settled' })).toBe(3)
    expect(readMetric(text, 'montage_credits_total', { kind: 'released' })).toBe(3)
  })
})
