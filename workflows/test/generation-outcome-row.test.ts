import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { listFinishedGenerations, type Sql } from '@montage/db'
import { openTestDb } from '@montage/db/testing'
import { ensureBoardCommandStream } from '@montage/board'
import type { TGenerationOutput } from '@montage/core'
import { createControlActivities } from '../src/activities/create-control-activities'
import { createControlGeneration, readBoardCommands } from './helpers'

// Real PostgreSQL and NATS JetStream: the row must hold everything the final board command carries,
// because the collab-server rebuilds that command from it when the publish is lost.
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

const generation = () => createControlGeneration(sql, { credits: 2, userName: 'Ines' })

describe('a finished generation row holds its whole outcome', () => {
  it('success: output, poster, type, duration, strip and proxy, as published on the board', async () => {
    const control = createControlActivities({ db: sql, js: jetstream(nc) })
    const input = await generation()
    await control.reserveGenerationCredits(input)
    const output: TGenerationOutput = {
      assetSha256: sha('1'), byteSize: 9_000_000, posterSha256: sha('2'), posterByteSize: 90_000, stripSha256: sha('3'), stripByteSize: 20_000, stripFrames: 10,
      proxySha256: sha('4'), proxyByteSize: 900_000, proxyWidth: 1280, proxyHeight: 720, mimeType: 'video/mp4', width: 1920, height: 1080, durationSeconds: 2.5, fps: 24,
    }
    await control.completeGeneration({ input, output })
    const [row] = await listFinishedGenerations(sql, { boardId: input.boardId, variationIds: [input.variationId] })
    const published = (await readBoardCommands(nc, input.boardId)).find((c) => c.id === `${input.generationId}:succeeded`) as { patch: Record<string, unknown> }
    expect(row).toMatchObject({ status: 'succeeded', outputAsset: sha('1'), posterAsset: sha('2'), mimeType: 'video/mp4', durationSeconds: 2.5, stripAsset: sha('3'), stripFrames: 10, proxyAsset: sha('4') })
    expect(published.patch).toMatchObject({ assetSha256: row!.outputAsset, posterSha256: row!.posterAsset, mimeType: row!.mimeType, durationSeconds: row!.durationSeconds, stripSha256: row!.stripAsset, stripFrames: row!.stripFrames, proxySha256: row!.proxyAsset })
  })

  it('failure: the reason the board shows', async () => {
    const control = createControlActivities({ db: sql, js: jetstream(nc) })
    const input = await generation()
    await control.reserveGenerationCredits(input)
    await control.finishGenerationUnsuccessfully({ input, status: 'failed', reason: 'The plate could not be read.' })
    const [row] = await listFinishedGenerations(sql, { boardId: input.boardId, variationIds: [input.variationId] })
    expect(row).toMatchObject({ status: 'failed', error: 'The plate could not be read.', outputAsset: null })
  })
})
