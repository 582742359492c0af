import { ZJobProgressMessage, type TJobProgress, type TRenderPrevizInput } from '@montage/core'
import { ApplicationFailure, CancelledFailure } from '@temporalio/common'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGpuActivities } from '../src/activities/create-gpu-activities'
import { createRig, runInActivity, smoothPlate, writeImage, type TTestRig } from './helpers'

let rig: TTestRig
let plateSha: string
beforeAll(async () => {
  rig = await createRig()
  const file = path.join(rig.dir, 'plate.jpg')
  await writeImage(smoothPlate(1024, 1024), 1024, 1024, file)
  plateSha = (await rig.store.putFile(file)).sha256
})
afterAll(async () => rig?.cleanup())

const BOARD_ID = '6f0a1c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b'

function input(params: TRenderPrevizInput['params'], plateSha256 = plateSha): TRenderPrevizInput {
  return { generationId: 'gen-activity-test', workspaceId: 'ws', boardId: BOARD_ID, variationId: 'shape:v1', plateSha256, params }
}

describe('renderPreviz activity', () => {
  it('heartbeats progress and publishes it on NATS', async () => {
    const published: { subject: string; progress: TJobProgress }[] = []
    const nats = { publish: (subject: string, data?: Uint8Array) => void published.push({ subject, progress: JSON.parse(new TextDecoder().decode(data)) }) }
    const { renderPreviz } = createGpuActivities({ store: rig.store, engine: rig.engine, nats })
    const { value, error, heartbeats } = await runInActivity(() => renderPreviz(input({ duration: 2, aspectRatio: '1:1', cameraMove: 'tilt_down' })))
    expect(error).toBeUndefined()
    expect(value).toMatchObject({ width: 720, height: 720, fps: 24 })
    expect(heartbeats.length).toBeGreaterThan(1)
    expect(heartbeats.at(-1)).toEqual({ stage: 'storing', progress: 1 })
    expect(published.every((p) => p.subject === 'job.gen-activity-test.progress')).toBe(true)
    // The board and variation ride along so the collab-server can show the bar on that card.
    expect(published.at(-1)!.progress).toEqual({ generationId: 'gen-activity-test', boardId: BOARD_ID, variationId: 'shape:v1', stage: 'storing', progress: 1 })
    expect(published.every((p) => ZJobProgressMessage.safeParse(p.progress).success)).toBe(true)
  })

  it('turns bad input into a non-retryable failure naming the field', async () => {
    const { renderPreviz } = createGpuActivities({ store: rig.store, engine: rig.engine })
    const { error } = await runInActivity(() => renderPreviz(input({ duration: 11 })))
    expect(error).toBeInstanceOf(ApplicationFailure)
    expect((error as ApplicationFailure).nonRetryable).toBe(true)
    expect((error as ApplicationFailure).type).toBe('BAD_REQUEST')
    expect((error as ApplicationFailure).message).toMatch(/^params\.duration/)
  })

  it('turns a missing plate into a non-retryable failure naming the sha256', async () => {
    const { renderPreviz } = createGpuActivities({ store: rig.store, engine: rig.engine })
    const { error } = await runInActivity(() => renderPreviz(input({ duration: 2 }, 'b'.repeat(64))))
    expect((error as ApplicationFailure).nonRetryable).toBe(true)
    expect((error as ApplicationFailure).message).toContain('b'.repeat(64))
  })

  it('rethrows CancelledFailure when cancelled and leaves no scratch files', async () => {
    const { renderPreviz } = createGpuActivities({ store: rig.store, engine: rig.engine, progressIntervalMs: 0 })
    const { error } = await runInActivity(() => renderPreviz(input({ duration: 3 })), { cancelAfterHeartbeats: 5 })
    expect(error).toBeInstanceOf(CancelledFailure)
    const { readdir } = await import('node:fs/promises')
    expect(await readdir(rig.workDir)).toEqual([])
  })
})

