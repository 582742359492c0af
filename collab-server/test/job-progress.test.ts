import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import * as encoding from 'lib0/encoding'
import { subjects, type TJobProgressMessage, type TServerAwarenessState } from '@montage/core'
import { closeTestEnv, createBoardWithMembers, cursorOf, openProvider, openTestEnv, setCursor, startServer, type TestEnv, waitFor } from './helpers'

let env: TestEnv
let ports: number[]

beforeAll(async () => {
  env = await openTestEnv()
  const started = await Promise.all([startServer(env, { antiEntropyMs: 300 }), startServer(env, { antiEntropyMs: 300 })])
  ports = started.map((s) => s.port)
})
afterAll(() => closeTestEnv(env))

/** What a worker publishes for one generation of `boardId`'s variation. */
function publishProgress(message: TJobProgressMessage): void {
  env.nats.publish(subjects.jobProgress(message.generationId), JSON.stringify(message))
}

/** The job entries a client sees, one list per awareness entry that carries jobs. */
function jobEntries(provider: WebsocketProvider): TServerAwarenessState['jobs'][] {
  const entries: TServerAwarenessState['jobs'][] = []
  provider.awareness.getStates().forEach((state) => {
    const jobs = (state as Partial<TServerAwarenessState>).jobs
    if (jobs) entries.push(jobs)
  })
  return entries
}

/** Every variation id a client has ever been shown a job for. */
function recordShownJobs(provider: WebsocketProvider): Set<string> {
  const shown = new Set<string>()
  provider.awareness.on('change', () => {
    for (const jobs of jobEntries(provider)) for (const id of Object.keys(jobs)) shown.add(id)
  })
  return shown
}

describe('live job progress', () => {
  it("reaches the clients of the job's board on every instance, once, and no other board", async () => {
    const b = await createBoardWithMembers(env, ['editor'])
    const c = await createBoardWithMembers(env)
    const onFirst = await openProvider(env, ports[0]!, b.boardId, b.owner.token)
    const onSecond = await openProvider(env, ports[1]!, b.boardId, b.members[0]!.token)
    const otherBoard = await openProvider(env, ports[0]!, c.boardId, c.owner.token)
    const shownOnOtherBoard = recordShownJobs(otherBoard.provider)

    const generationId = randomUUID()
    publishProgress({ generationId, boardId: b.boardId, variationId: 'shape:v-b', stage: 'rendering', progress: 0.4 })
    for (const client of [onFirst, onSecond]) {
      await waitFor(() => jobEntries(client.provider).some((jobs) => jobs['shape:v-b']?.progress === 0.4))
    }
    const job = jobEntries(onSecond.provider)[0]!['shape:v-b']!
    expect(job).toMatchObject({ generationId, stage: 'rendering', progress: 0.4 })
    expect(typeof job.at).toBe('number')

    // A presence change relayed from the first instance after the job: had the first instance
    // relayed its own job entry too, it would have reached the second instance's client before this.
    onFirst.provider.awareness.setLocalStateField('user', { id: b.owner.id, name: 'Owner', color: '#f00' })
    await waitFor(() => onSecond.provider.awareness.getStates().get(onFirst.doc.clientID)?.user?.name === 'Owner')
    expect(jobEntries(onSecond.provider)).toHaveLength(1)
    expect(jobEntries(onFirst.provider)).toHaveLength(1)

    // The other board hears of its own job, published after: by then B's job has been handled.
    publishProgress({ generationId: randomUUID(), boardId: c.boardId, variationId: 'shape:v-c', stage: 'queued', progress: 0 })
    await waitFor(() => shownOnOtherBoard.has('shape:v-c'))
    expect([...shownOnOtherBoard]).toEqual(['shape:v-c'])
    expect(jobEntries(onFirst.provider).flatMap((jobs) => Object.keys(jobs))).toEqual(['shape:v-b'])

    // The stage moves on, then the job ends and leaves the board.
    publishProgress({ generationId, boardId: b.boardId, variationId: 'shape:v-b', stage: 'encoding', progress: 0.9 })
    await waitFor(() => jobEntries(onSecond.provider)[0]?.['shape:v-b']?.stage === 'encoding')
    publishProgress({ generationId, boardId: b.boardId, variationId: 'shape:v-b', stage: 'storing', progress: 1 })
    for (const client of [onFirst, onSecond]) await waitFor(() => jobEntries(client.provider).length === 0)
  })

  it("no client can write the server's entry, even while it is empty", async () => {
    const b = await createBoardWithMembers(env, ['editor'])
    const owner = await openProvider(env, ports[0]!, b.boardId, b.owner.token)
    const editor = await openProvider(env, ports[0]!, b.boardId, b.members[0]!.token)
    const shownToOwner = recordShownJobs(owner.provider)
    publishProgress({ generationId: 'g-real', boardId: b.boardId, variationId: 'shape:v-real', stage: 'rendering', progress: 0.5 })
    await waitFor(() => shownToOwner.has('shape:v-real'))
    let serverId = -1
    owner.provider.awareness.getStates().forEach((state, id) => {
      if ((state as Partial<TServerAwarenessState>).jobs) serverId = id
    })
    publishProgress({ generationId: 'g-real', boardId: b.boardId, variationId: 'shape:v-real', stage: 'storing', progress: 1 })
    await waitFor(() => jobEntries(owner.provider).length === 0)

    // The editor's client claims the server's id with a far newer clock and a fake job.
    const update = encoding.createEncoder()
    encoding.writeVarUint(update, 1)
    encoding.writeVarUint(update, serverId)
    encoding.writeVarUint(update, 1_000_000)
    encoding.writeVarString(update, JSON.stringify({ jobs: { 'shape:fake': { generationId: 'fake', stage: 'rendering', progress: 0.9, at: 0 } } }))
    const frame = encoding.createEncoder()
    encoding.writeVarUint(frame, 1) // awareness
    encoding.writeVarUint8Array(frame, encoding.toUint8Array(update))
    editor.provider.ws!.send(encoding.toUint8Array(frame))

    // Nor announce jobs in its own entry.
    editor.provider.awareness.setLocalStateField('jobs', { 'shape:fake-own': { generationId: 'fake', stage: 'rendering', progress: 0.9, at: 0 } })
    // Sent after the claims on the same socket: once it is seen, the claims have been handled.
    setCursor(editor, 5, 5)
    await waitFor(() => cursorOf(owner.provider, editor.doc.clientID)?.x === 5)
    expect([...shownToOwner]).toEqual(['shape:v-real'])
  })

  it('drops a job that stopped reporting, and ignores malformed reports', async () => {
    const { port } = await startServer(env, { jobIdleMs: 300 })
    const b = await createBoardWithMembers(env)
    const client = await openProvider(env, port, b.boardId, b.owner.token)
    env.nats.publish(subjects.jobProgress('not-json'), 'nope')
    env.nats.publish(subjects.jobProgress('bad'), JSON.stringify({ generationId: 'bad', boardId: b.boardId, variationId: 'shape:x', stage: 'melting', progress: 2 }))
    publishProgress({ generationId: 'g-idle', boardId: b.boardId, variationId: 'shape:v-idle', stage: 'rendering', progress: 0.2 })
    await waitFor(() => jobEntries(client.provider).some((jobs) => !!jobs['shape:v-idle']))
    expect(Object.keys(jobEntries(client.provider)[0]!)).toEqual(['shape:v-idle'])
    // The worker died: nothing more comes, and the bar goes.
    await waitFor(() => jobEntries(client.provider).length === 0)
  })
})
