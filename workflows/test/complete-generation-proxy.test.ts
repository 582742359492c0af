import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { getAsset, type Sql } from '@montage/db'
import { openTestDb } from '@montage/db/testing'
import { ensureBoardCommandStream } from '@montage/board'
import type { TGenerationOutput } from '@montage/core'
import { createControlActivities } from '../src/activities/create-control-activities'
import { createControlGeneration, readBoardCommands } from './helpers'

// Real PostgreSQL and NATS JetStream; the output is what a gpu-worker returns for a 1080p clip.
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

const output: TGenerationOutput = {
  assetSha256: sha('1'), byteSize: 9_000_000, posterSha256: sha('2'), posterByteSize: 90_000, stripSha256: sha('3'), stripByteSize: 20_000, stripFrames: 10,
  proxySha256: sha('4'), proxyByteSize: 900_000, proxyWidth: 1280, proxyHeight: 720, mimeType: 'video/mp4', width: 1920, height: 1080, durationSeconds: 2, fps: 24,
}

describe('completeGeneration with a web proxy', () => {
  it('records the proxy as an asset of the workspace (so members and guests can load it) and puts it on the variation', async () => {
    const control = createControlActivities({ db: sql, js: jetstream(nc) })
    const input = await generation()
    await control.reserveGenerationCredits(input)
    await control.completeGeneration({ input, output })

    expect(await getAsset(sql, { workspaceId: input.workspaceId, sha256: output.proxySha256! })).toMatchObject({ mimeType: 'video/mp4', width: 1280, height: 720, durationMs: 2000 })
    const succeeded = (await readBoardCommands(nc, input.boardId)).find((c) => c.id === `${input.generationId}:succeeded`)
    expect(succeeded).toMatchObject({ type: 'variation.upsert', patch: { assetSha256: output.assetSha256, proxySha256: output.proxySha256 } })
  })

  it('leaves the proxy empty for an output that plays as it is', async () => {
    const control = createControlActivities({ db: sql, js: jetstream(nc) })
    const input = await generation()
    await control.reserveGenerationCredits(input)
    const { proxySha256: _p, proxyByteSize: _b, proxyWidth: _w, proxyHeight: _h, ...small } = output
    await control.completeGeneration({ input, output: { ...small, assetSha256: sha('5'), width: 1280, height: 720 } })
    const succeeded = (await readBoardCommands(nc, input.boardId)).find((c) => c.id === `${input.generationId}:succeeded`)
    expect(succeeded).toMatchObject({ patch: { assetSha256: sha('5'), proxySha256: '' } })
  })
})
