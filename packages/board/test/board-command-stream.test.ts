import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node'
import { jetstreamManager } from '@nats-io/jetstream'
import { BOARD_COMMAND_STREAM, ensureBoardCommandStream } from '../src'

let nc: NatsConnection
beforeAll(async () => {
  nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
})
afterAll(async () => {
  await nc?.close()
})

describe('board command stream', () => {
  // Bug: the collab-server declared the stream with a 2-minute window and the publishers with a
  // 10-minute one, so the window depended on which process started first.
  it('is created with the declared settings, and an existing one with other settings is brought to them', async () => {
    const jsm = await jetstreamManager(nc)
    await ensureBoardCommandStream(jsm)
    const { name } = BOARD_COMMAND_STREAM
    await jsm.streams.update(name, { ...(await jsm.streams.info(name)).config, duplicate_window: nanos(2 * 60 * 1000) })

    await ensureBoardCommandStream(jsm)
    const { config } = await jsm.streams.info(name)
    expect(config.duplicate_window).toBe(nanos(BOARD_COMMAND_STREAM.duplicateWindowMs))
    expect(config.max_age).toBe(nanos(BOARD_COMMAND_STREAM.maxAgeMs))
    expect(config.subjects).toEqual([...BOARD_COMMAND_STREAM.subjects])
  })
})
