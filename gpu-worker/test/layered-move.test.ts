import { describe, expect, it } from 'vitest'
import { buildLayerStack, fillHoles, layerWindows, regionMask, renderLayers } from '../src/engine/layered-move'

describe('layerWindows', () => {
  it('an orbit is periodic: its last framing of every layer is its first', () => {
    for (const easing of ['linear', 'ease_in_out'] as const) {
      const [a, b] = [layerWindows('orbit', 1.3, 0, [0, 1], easing), layerWindows('orbit', 1.3, 1, [0, 1], easing)]
      for (let k = 0; k < 2; k++) for (const key of ['x', 'y', 'width'] as const) expect(b[k]![key]).toBeCloseTo(a[k]![key], 12)
    }
  })

  it('keeps the far layer inside the plate for every move', () => {
    for (const move of ['orbit', 'arc_left', 'arc_right', 'crane_up', 'crane_down', 'dolly_zoom_in', 'dolly_zoom_out'] as const) {
      for (let i = 0; i <= 40; i++) {
        const [far] = layerWindows(move, 1.5, i / 40, [0, 0.5, 1])
        expect(far!.x).toBeGreaterThanOrEqual(-1e-12)
        expect(far!.y).toBeGreaterThanOrEqual(-1e-12)
        expect(far!.x + far!.width).toBeLessThanOrEqual(1 + 1e-12)
        expect(far!.y + far!.height).toBeLessThanOrEqual(1 + 1e-12)
      }
    }
  })

  it('dolly zoom holds the near layer while the far one scales by the zoom', () => {
    const [far0, near0] = layerWindows('dolly_zoom_out', 2, 0, [0, 1])
    const [far1, near1] = layerWindows('dolly_zoom_out', 2, 1, [0, 1])
    expect(near1!.width).toBeCloseTo(near0!.width, 12)
    expect(far1!.width / far0!.width).toBeCloseTo(2, 12)
  })
})

describe('layers', () => {
  it('a drawn rectangle becomes a soft mask: 1 inside, 0 well outside, in between at its edge', () => {
    const mask = regionMask({ shape: 'rect', x: 0.25, y: 0.25, w: 0.5, h: 0.5 }, 200, 100)
    expect(mask[50 * 200 + 100]).toBeCloseTo(1, 5)
    expect(mask[5 * 200 + 5]).toBe(0)
    const edge = mask[50 * 200 + 50]!
    expect(edge).toBeGreaterThan(0.2)
    expect(edge).toBeLessThan(0.8)
  })

  it('fills a hole smoothly from its surroundings, keeping every known pixel', () => {
    const [w, h] = [64, 32]
    const rgb = new Uint8Array(w * h * 3)
    const known = new Uint8Array(w * h)
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x
        // A left-to-right ramp, with a hole of "foreground" white in the middle.
        const hole = x >= 24 && x < 40 && y >= 8 && y < 24
        known[i] = hole ? 0 : 1
        rgb.fill(hole ? 255 : x * 4, i * 3, i * 3 + 3)
      }
    }
    const filled = fillHoles(rgb, known, w, h)
    for (let i = 0; i < w * h; i++) if (known[i]) expect(filled[i * 3]).toBe(rgb[i * 3])
    // Inside the hole: the ramp's values around it, nothing of the white that was there.
    const centre = filled[(16 * w + 32) * 3]!
    expect(centre).toBeGreaterThan(24 * 4 - 8)
    expect(centre).toBeLessThan(40 * 4 + 8)
    expect(filled[(16 * w + 25) * 3]!).toBeLessThan(filled[(16 * w + 38) * 3]!)
  })

  it('renders the plate unchanged when every layer frames the whole plate (but for the feathered edge)', () => {
    const [w, h] = [80, 40]
    const plate = new Uint8Array(w * h * 3).map((_, i) => (i * 7) % 251)
    const mask = regionMask({ shape: 'rect', x: 0.3, y: 0.3, w: 0.4, h: 0.4 }, w, h)
    const stack = buildLayerStack(plate, w, h, [mask])
    const whole = { x: 0, y: 0, width: 1, height: 1 }
    const out = renderLayers(stack, [whole, whole], w, h)
    let worst = 0
    let checked = 0
    for (let i = 0; i < w * h; i++) {
      // In the soft edge the near layer is partly see-through, onto the fill behind it.
      if (mask[i]! > 0 && mask[i]! < 0.999) continue
      checked++
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(out[i * 3 + c]! - plate[i * 3 + c]!))
    }
    expect(checked).toBeGreaterThan(w * h * 0.8)
    expect(worst).toBeLessThanOrEqual(1)
  })
})
