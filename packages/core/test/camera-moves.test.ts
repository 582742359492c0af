import { describe, expect, it } from 'vitest'
import { AppError, parseInput, parseModelParams, ZRenderPrevizInput } from '../src'

function refusal(fn: () => unknown): { field?: string; message: string } {
  try {
    fn()
  } catch (e) {
    if (e instanceof AppError) return { field: e.field, message: e.message }
    throw e
  }
  throw new Error('expected a refusal')
}

const region = { source: 'region', region: { shape: 'rect', x: 0.3, y: 0.2, w: 0.4, h: 0.6 } }
const framings = [
  { t: 0, x: 0, y: 0, size: 1 },
  { t: 1, x: 0.4, y: 0.3, size: 0.5 },
]

describe('previz camera moves', () => {
  it('accepts the 2.5D moves with a drawn foreground, a depth map or a matte, and a keyframed move', () => {
    for (const cameraMove of ['orbit', 'arc_left', 'arc_right', 'crane_up', 'crane_down', 'dolly_zoom_in', 'dolly_zoom_out']) {
      expect(parseModelParams('previz', { duration: 4, cameraMove, layers: region })).toMatchObject({ cameraMove, layers: region })
    }
    expect(parseModelParams('previz', { duration: 4, cameraMove: 'orbit', layers: { source: 'depth' } })).toMatchObject({ layers: { source: 'depth' } })
    const polygon = { source: 'region', region: { shape: 'polygon', points: [[0.1, 0.1], [0.5, 0.2], [0.3, 0.9]] } }
    expect(parseModelParams('previz', { duration: 4, cameraMove: 'arc_left', layers: polygon })).toMatchObject({ layers: polygon })
    expect(parseModelParams('previz', { duration: 4, cameraMove: 'keyframes', keyframes: framings })).toMatchObject({ keyframes: framings })
    // Today's moves are as they were.
    expect(parseModelParams('previz', { duration: 2, cameraMove: 'pan_left' })).toMatchObject({ cameraMove: 'pan_left' })
  })

  it('refuses an orbit (or crane, or dolly zoom) without any layer information', () => {
    for (const cameraMove of ['orbit', 'crane_up', 'dolly_zoom_out']) {
      const r = refusal(() => parseModelParams('previz', { duration: 4, cameraMove }))
      expect(r.field).toBe('params.layers')
      expect(r.message).toMatch(/2\.5D move and needs layer information: draw the foreground on the plate, or pick a depth map or matte/)
    }
  })

  it('refuses a foreground region outside the plate, naming the edge', () => {
    const past = refusal(() => parseModelParams('previz', { duration: 4, cameraMove: 'orbit', layers: { source: 'region', region: { shape: 'rect', x: 0.8, y: 0.2, w: 0.4, h: 0.3 } } }))
    expect(past).toMatchObject({ field: 'params.layers.region.w' })
    expect(past.message).toMatch(/runs past the right edge of the plate/)
    const negative = refusal(() => parseModelParams('previz', { duration: 4, cameraMove: 'orbit', layers: { source: 'region', region: { shape: 'polygon', points: [[0.1, 0.1], [1.2, 0.2], [0.3, 0.9]] } } }))
    expect(negative.field).toBe('params.layers.region.points.1.0')
    expect(negative.message).toMatch(/inside the plate/)
    expect(refusal(() => parseModelParams('previz', { duration: 4, cameraMove: 'orbit', layers: { source: 'region', region: { shape: 'polygon', points: [[0.1, 0.1], [0.2, 0.2]] } } })).message).toMatch(/at least 3 points/)
  })

  it('refuses keyframes out of order, missing, or given to another move', () => {
    const swapped = refusal(() =>
      parseModelParams('previz', { duration: 4, cameraMove: 'keyframes', keyframes: [framings[0], { ...framings[1], t: 0.6 }, { ...framings[1], t: 0.4 }, { ...framings[1], t: 1 }] }),
    )
    expect(swapped).toMatchObject({ field: 'params.keyframes.2.t' })
    expect(swapped.message).toMatch(/keyframes out of order: framing 2 is not after framing 1/)
    expect(refusal(() => parseModelParams('previz', { duration: 4, cameraMove: 'keyframes', keyframes: [{ ...framings[0], t: 0.1 }, framings[1]] })).message).toMatch(/first framing must be at t = 0/)
    expect(refusal(() => parseModelParams('previz', { duration: 4, cameraMove: 'keyframes' }))).toMatchObject({ field: 'params.keyframes' })
    expect(refusal(() => parseModelParams('previz', { duration: 4, cameraMove: 'push_in', keyframes: framings })).message).toMatch(/only taken by the keyframes move/)
    const outside = refusal(() => parseModelParams('previz', { duration: 4, cameraMove: 'keyframes', keyframes: [framings[0], { t: 1, x: 0.7, y: 0, size: 0.5 }] }))
    expect(outside).toMatchObject({ field: 'params.keyframes.1.x' })
    expect(outside.message).toMatch(/past the right edge/)
  })

  it('refuses layers on a one-layer move, and a depth-map orbit whose job has no depth map', () => {
    expect(refusal(() => parseModelParams('previz', { duration: 4, cameraMove: 'push_in', layers: region })).message).toMatch(/takes no layers/)
    const job = { generationId: 'g1', workspaceId: 'w', plateSha256: 'a'.repeat(64), params: { duration: 4, cameraMove: 'orbit', layers: { source: 'depth' } } }
    const r = refusal(() => parseInput(ZRenderPrevizInput, job))
    expect(r.field).toBe('layerSha256')
    expect(r.message).toMatch(/depth map need that image as the shot's second reference/)
    expect(parseInput(ZRenderPrevizInput, { ...job, layerSha256: 'b'.repeat(64) }).layerSha256).toBe('b'.repeat(64))
  })
})
