'use client'

import { useRef, useState, type PointerEvent } from 'react'
import type { TRegion } from './review-client'

export type TRegionTool = 'none' | 'rect' | 'arrow' | 'freehand'

export interface TShownRegion {
  key: string
  region: TRegion
  tone: 'draft' | 'thread'
}

const clamp = (n: number) => Math.min(1, Math.max(0, n))
const round = (n: number) => Math.round(n * 10_000) / 10_000

/** Freehand strokes can hold thousands of pointer samples; the API takes at most 1000 points. */
function thin(points: [number, number][]): [number, number][] {
  if (points.length <= 400) return points
  const every = Math.ceil(points.length / 400)
  return points.filter((_, i) => i % every === 0 || i === points.length - 1)
}

function RegionShape({ region, tone }: { region: TRegion; tone: TShownRegion['tone'] }) {
  const cls = `m-region m-region-${tone}`
  switch (region.shape) {
    case 'rect':
      return <rect className={cls} data-testid="region" data-shape="rect" x={region.x} y={region.y} width={region.w} height={region.h} />
    case 'arrow': {
      // The head is drawn in frame units, so it is computed rather than a marker (markers scale badly with a non-uniform viewBox).
      const dx = region.x2 - region.x1
      const dy = region.y2 - region.y1
      const len = Math.hypot(dx, dy) || 1
      const ux = dx / len
      const uy = dy / len
      const head = Math.min(0.04, len / 2)
      const p1 = [region.x2 - head * (ux - uy * 0.6), region.y2 - head * (uy + ux * 0.6)]
      const p2 = [region.x2 - head * (ux + uy * 0.6), region.y2 - head * (uy - ux * 0.6)]
      return (
        <g className={cls} data-testid="region" data-shape="arrow">
          <line x1={region.x1} y1={region.y1} x2={region.x2} y2={region.y2} />
          <polyline points={`${p1[0]},${p1[1]} ${region.x2},${region.y2} ${p2[0]},${p2[1]}`} />
        </g>
      )
    }
    case 'freehand':
      return <polyline className={cls} data-testid="region" data-shape="freehand" points={region.points.map((p) => p.join(',')).join(' ')} />
  }
}

/**
 * An SVG laid exactly over the frame: shows regions, and with a tool picked, draws a new one.
 * Coordinates are fractions of the frame (0–1), so a region means the same at any size.
 */
export function RegionLayer({ tool, shown, onDrawn }: { tool: TRegionTool; shown: TShownRegion[]; onDrawn: (region: TRegion) => void }) {
  const svg = useRef<SVGSVGElement>(null)
  const [drawing, setDrawing] = useState<TRegion | null>(null)
  const start = useRef<[number, number] | null>(null)

  function at(e: PointerEvent): [number, number] {
    const r = svg.current!.getBoundingClientRect()
    return [round(clamp((e.clientX - r.left) / r.width)), round(clamp((e.clientY - r.top) / r.height))]
  }

  function shapeTo(p: [number, number]): TRegion | null {
    const s = start.current
    if (!s) return null
    if (tool === 'rect') return { shape: 'rect', x: Math.min(s[0], p[0]), y: Math.min(s[1], p[1]), w: round(Math.abs(p[0] - s[0])), h: round(Math.abs(p[1] - s[1])) }
    if (tool === 'arrow') return { shape: 'arrow', x1: s[0], y1: s[1], x2: p[0], y2: p[1] }
    return null
  }

  return (
    <svg
      ref={svg}
      className={`m-region-layer${tool !== 'none' ? ' m-region-layer-drawing' : ''}`}
      data-testid="region-layer"
      viewBox="0 0 1 1"
      preserveAspectRatio="none"
      onPointerDown={(e) => {
        if (tool === 'none' || e.button !== 0) return
        e.currentTarget.setPointerCapture(e.pointerId)
        const p = at(e)
        start.current = p
        setDrawing(tool === 'freehand' ? { shape: 'freehand', points: [p] } : shapeTo(p))
      }}
      onPointerMove={(e) => {
        if (!start.current) return
        const p = at(e)
        setDrawing((d) => (d?.shape === 'freehand' ? { shape: 'freehand', points: [...d.points, p] } : shapeTo(p)))
      }}
      onPointerUp={() => {
        const d = drawing
        start.current = null
        setDrawing(null)
        if (!d) return
        // A click without a drag is not a region.
        if (d.shape === 'rect' && (d.w < 0.005 || d.h < 0.005)) return
        if (d.shape === 'arrow' && Math.hypot(d.x2 - d.x1, d.y2 - d.y1) < 0.01) return
        if (d.shape === 'freehand') {
          if (d.points.length < 2) return
          onDrawn({ shape: 'freehand', points: thin(d.points) })
          return
        }
        onDrawn(d)
      }}
    >
      {shown.map((s) => (
        <RegionShape key={s.key} region={s.region} tone={s.tone} />
      ))}
      {drawing && <RegionShape region={drawing} tone="draft" />}
    </svg>
  )
}
