import type { TRenderPrevizInput } from '@montage/core'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderPrevizJob } from '../src/render/render-previz-job'
import { createRig, decodeGrayFrames, estimateStep, smoothPlate, writeImage, type TTestRig } from './helpers'

let rig: TTestRig
let plateSha: string
beforeAll(async () => {
  rig = await createRig()
  const file = path.join(rig.dir, 'plate.png')
  await writeImage(smoothPlate(1920, 1080), 1920, 1080, file)
  plateSha = (await rig.store.putFile(file)).sha256
})
afterAll(async () => rig?.cleanup())

function input(params: TRenderPrevizInput['params']): TRenderPrevizInput {
  return { generationId: 'smooth', workspaceId: 'ws', plateSha256: plateSha, params }
}

/** Largest deviation of the increments from their mean, as a fraction of the mean. */
function spread(increments: number[]): number {
  const mean = increments.reduce((a, b) => a + b, 0) / increments.length
  return Math.max(...increments.map((v) => Math.abs(v - mean))) / Math.abs(mean)
}

describe('camera moves are smooth', () => {
  // ffmpeg's zoompan fails this: it places its crop on whole pixels, so its increments jitter.
  it('a linear 720p push-in zooms by the same ratio every frame (increments vary under 1%)', async () => {
    const out = await renderPrevizJob({ store: rig.store, engine: rig.engine }, input({ duration: 2, cameraMove: 'push_in', zoom: 1.3, easing: 'linear' }))
    const frames = await decodeGrayFrames(rig.store.blobPath(out.assetSha256), 1280, 720)
    const steps = frames.slice(1).map((f, i) => Math.log(estimateStep(frames[i]!, f, 1280, 720, 'zoom')))
    const total = steps.reduce((a, b) => a + b, 0)
    console.info(`linear push-in: per-frame zoom increment spread ${(spread(steps) * 100).toFixed(3)}%, total zoom ${Math.exp(total).toFixed(4)}`)
    expect(Math.exp(total)).toBeGreaterThan(1.3 * 0.99)
    expect(Math.exp(total)).toBeLessThan(1.3 * 1.01)
    expect(spread(steps)).toBeLessThan(0.01)
  })

  it('a linear 720p pan shifts by the same amount every frame (increments vary under 1%)', async () => {
    const out = await renderPrevizJob({ store: rig.store, engine: rig.engine }, input({ duration: 2, cameraMove: 'pan_right', zoom: 1.3, easing: 'linear' }))
    const frames = await decodeGrayFrames(rig.store.blobPath(out.assetSha256), 1280, 720)
    const steps = frames.slice(1).map((f, i) => estimateStep(frames[i]!, f, 1280, 720, 'shift-x'))
    const total = steps.reduce((a, b) => a + b, 0)
    console.info(`linear pan: per-frame shift spread ${(spread(steps) * 100).toFixed(3)}%, total ${total.toFixed(2)} px`)
    // The window travels (1 − 1/1.3) of the plate, 1280·1.3 output pixels wide.
    expect(total).toBeCloseTo((1 - 1 / 1.3) * 1280 * 1.3, 0)
    expect(spread(steps)).toBeLessThan(0.01)
  }, 120_000)
})
