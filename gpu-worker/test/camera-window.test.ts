import { describe, expect, it } from 'vitest'
import { cameraWindow, roiForWindow } from '../src/engine/camera-window'

const steps = (n: number) => Array.from({ length: n }, (_, i) => i / (n - 1))

describe('cameraWindow', () => {
  it('push_in shrinks a centred window from the whole plate to 1/zoom, without jumps', () => {
    const widths = steps(48).map((t) => cameraWindow('push_in', 1.5, t))
    expect(widths[0]).toEqual({ x: 0, y: 0, width: 1, height: 1 })
    expect(widths.at(-1)!.width).toBeCloseTo(1 / 1.5, 12)
    for (let i = 1; i < widths.length; i++) {
      const [a, b] = [widths[i - 1]!, widths[i]!]
      expect(b.width).toBeLessThan(a.width)
      expect(b.x + b.width / 2).toBeCloseTo(0.5, 12)
      // Eased: no step is more than a little over the average step.
      expect(a.width - b.width).toBeLessThan(((1 - 1 / 1.5) / 47) * 1.7)
    }
  })

  it('pull_out is push_in played backwards', () => {
    for (const t of steps(9)) {
      const [a, b] = [cameraWindow('pull_out', 2, t), cameraWindow('push_in', 2, 1 - t)]
      expect(a.width).toBeCloseTo(b.width, 12)
      expect(a.x).toBeCloseTo(b.x, 12)
    }
  })

  it('pans and tilts move a 1/zoom window edge to edge', () => {
    expect(cameraWindow('pan_right', 2, 0)).toMatchObject({ x: 0, y: 0.25, width: 0.5 })
    expect(cameraWindow('pan_right', 2, 1)).toMatchObject({ x: 0.5, y: 0.25 })
    expect(cameraWindow('pan_left', 2, 0)).toMatchObject({ x: 0.5 })
    expect(cameraWindow('tilt_up', 2, 0)).toMatchObject({ y: 0.5 })
    expect(cameraWindow('tilt_down', 2, 1)).toMatchObject({ y: 0.5, x: 0.25 })
    expect(cameraWindow('static', 2, 0.4)).toEqual({ x: 0, y: 0, width: 1, height: 1 })
  })
})

describe('roiForWindow', () => {
  it('maps the whole plate at the same size onto the pixel centres (identity)', () => {
    expect(Array.from(roiForWindow({ x: 0, y: 0, width: 1, height: 1 }, { width: 100, height: 50 }, { width: 100, height: 50 }))).toEqual([0, 0, 1, 1])
  })

  it('moves by fractions of a pixel', () => {
    const a = roiForWindow({ x: 0.1, y: 0.1, width: 0.5, height: 0.5 }, { width: 1001, height: 1001 }, { width: 500, height: 500 })
    const b = roiForWindow({ x: 0.1 + 0.25 / 1001, y: 0.1, width: 0.5, height: 0.5 }, { width: 1001, height: 1001 }, { width: 500, height: 500 })
    expect((b[1]! - a[1]!) * 1000).toBeCloseTo(0.25, 3)
  })
})

describe('keyframes', () => {
  const keys = [
    { t: 0, x: 0, y: 0, size: 1 },
    { t: 1, x: 0.5, y: 0.25, size: 0.5 },
  ]
  it('starts and ends on the drawn framings, zooming by an even ratio a frame (linear easing)', () => {
    expect(cameraWindow('keyframes', 1, 0, 'linear', keys)).toEqual({ x: 0, y: 0, width: 1, height: 1 })
    const end = cameraWindow('keyframes', 1, 1, 'linear', keys)
    expect(end.x).toBeCloseTo(0.5, 12)
    expect(end.y).toBeCloseTo(0.25, 12)
    expect(end.width).toBeCloseTo(0.5, 12)
    const sizes = steps(25).map((t) => cameraWindow('keyframes', 1, t, 'linear', keys).width)
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]! / sizes[i - 1]!).toBeCloseTo(0.5 ** (1 / 24), 12)
    // Never outside the plate on the way.
    for (const t of steps(25)) {
      const w = cameraWindow('keyframes', 1, t, 'ease_in_out', keys)
      expect(w.x).toBeGreaterThanOrEqual(-1e-12)
      expect(w.x + w.width).toBeLessThanOrEqual(1 + 1e-12)
    }
  })

  it('passes through a middle framing at its time', () => {
    const three = [keys[0]!, { t: 0.25, x: 0.2, y: 0.2, size: 0.6 }, keys[1]!]
    const w = cameraWindow('keyframes', 1, 0.25, 'linear', three)
    expect(w.x).toBeCloseTo(0.2, 12)
    expect(w.width).toBeCloseTo(0.6, 12)
  })
})
