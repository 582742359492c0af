import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstream } from '@nats-io/jetstream'
import type { TFeedEvent } from '@montage/core'
import { publishFeedEvent, readWorkspaceFeed } from '../src'

let nc: NatsConnection
beforeAll(async () => {
  nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
})
afterAll(async () => {
  await nc?.close()
})

function decision(workspaceId: string, n: number): TFeedEvent {
  return {
    id: `test:${randomUUID()}`,
    type: 'review.decision',
    workspaceId,
    boardId: randomUUID(),
    at: new Date(2026, 0, 1, 10, n).toISOString(),
    actor: { id: randomUUID(), name: `Producer ${n}` },
    variationId: `shape:v${n}`,
    decision: 'approved',
  }
}

describe('workspace feed stream', () => {
  it("reads back one workspace's events in order with rising sequences, drops a repeated id, and reads an empty workspace at once", async () => {
    const js = jetstream(nc)
    const ws = randomUUID()
    const other = randomUUID()
    const events = [decision(ws, 1), decision(ws, 2), decision(ws, 3)]
    for (const e of events) expect(await publishFeedEvent(js, e)).toEqual({ ok: true })
    await publishFeedEvent(js, events[1]!)
    await publishFeedEvent(js, decision(other, 9))

    const feed = await readWorkspaceFeed(js, ws)
    expect(feed.map((e) => e.actor.name)).toEqual(['Producer 1', 'Producer 2', 'Producer 3'])
    expect(feed[0]!.seq).toBeLessThan(feed[1]!.seq)
    expect(feed[1]!.seq).toBeLessThan(feed[2]!.seq)
    expect(await readWorkspaceFeed(js, randomUUID())).toEqual([])
  })
})
