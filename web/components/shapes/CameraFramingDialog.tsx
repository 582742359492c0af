'use client'

import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react'
import { createPortal } from 'react-dom'
import type { TAspectRatio, TCameraKeyframe, TForegroundRegion, TPrevizLayers } from '@montage/core'
import { SignedImg } from '@/components/media/SignedImg'
import { useFocusTrap } from '@/lib/client/use-focus-trap'
import styles from './CameraFramingDialog.module.css'

type TRect = { x: number; y: number; w: number; h: number }

/** What the dialog draws: the foreground of a 2.5D move, or the start and end framings of a keyframed one. */
export type TFramingMode = { kind: 'foreground'; layers?: TPrevizLayers } | { kind: 'keyframes'; keyframes?: readonly TCameraKeyframe[] }

const SOURCES: { value: TPrevizLayers['source']; label: string }[] = [
  { value: 'region', label: 'Draw on the plate' },
  { value: 'depth', label: 'Depth map' },
  { value: 'matte', label: 'Matte' },
]

const ASPECT: Record<TAspectRatio, number> = { '16:9': 16 / 9, '9:16': 9 / 16, '1:1': 1 }
const clamp01 = (v: number) => Math.min(1, Math.max(0, v))

function regionRect(region?: TForegroundRegion): TRect | null {
  if (!region) return null
  if (region.shape === 'rect') return { x: region.x, y: region.y, w: region.w, h: region.h }
  const xs = region.points.map((p) => p[0])
  const ys = region.points.map((p) => p[1])
  return { x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) }
}

/** A framing keeps the shot's aspect: square in plate fractions, at most 3× in, inside the plate. */
function framing(from: { x: number; y: number }, to: { x: number; y: number }): TRect {
  const size = Math.min(1, Math.max(1 / 3, Math.abs(to.x - from.x), Math.abs(to.y - from.y)))
  const x = Math.min(1 - size, Math.max(0, to.x < from.x ? from.x - size : from.x))
  const y = Math.min(1 - size, Math.max(0, to.y < from.y ? from.y - size : from.y))
  return { x, y, w: size, h: size }
}

/**
 * Draws on the shot's plate, shown as the render frames it (centre-cropped to the shot's aspect):
 * the foreground of a 2.5D move as a rectangle, or a keyframed move's start and end framings.
 * Enter saves, Esc closes.
 */
export function CameraFramingDialog({
  plateSha256,
  secondSha256,
  aspectRatio,
  mode,
  onSave,
  onClose,
}: {
  plateSha256: string | null
  /** The shot's second reference: a 2.5D move's depth map or matte. */
  secondSha256: string | null
  aspectRatio: TAspectRatio
  mode: TFramingMode
  onSave: (value: { layers: TPrevizLayers } | { keyframes: TCameraKeyframe[] }) => void
  onClose: () => void
}) {
  const initial = mode.kind === 'keyframes' ? mode.keyframes : undefined
  const layers = mode.kind === 'foreground' ? mode.layers : undefined
  const [source, setSource] = useState<TPrevizLayers['source']>(layers?.source ?? 'region')
  const [fg, setFg] = useState<TRect | null>(layers?.source === 'region' ? regionRect(layers.region) : null)
  const [start, setStart] = useState<TRect | null>(initial?.[0] ? { x: initial[0].x, y: initial[0].y, w: initial[0].size, h: initial[0].size } : { x: 0, y: 0, w: 1, h: 1 })
  const last = initial?.at(-1)
  const [end, setEnd] = useState<TRect | null>(last ? { x: last.x, y: last.y, w: last.size, h: last.size } : null)
  const [target, setTarget] = useState<'start' | 'end'>(initial ? 'start' : 'end')
  const drag = useRef<{ x: number; y: number } | null>(null)
  const box = useRef<HTMLDivElement>(null)
  const layer = useRef<HTMLDivElement>(null)
  useFocusTrap(layer)

  const drawingFg = mode.kind === 'foreground' && source === 'region'
  const ready = mode.kind === 'keyframes' ? !!start && !!end : source !== 'region' ? !!secondSha256 : !!fg && fg.w >= 0.01 && fg.h >= 0.01
  function save() {
    if (!ready) return
    if (mode.kind === 'foreground') onSave({ layers: source === 'region' ? { source, region: { shape: 'rect', x: fg!.x, y: fg!.y, w: fg!.w, h: fg!.h } } : { source } })
    else onSave({ keyframes: [start!, end!].map((r, i) => ({ t: i, x: r.x, y: r.y, size: r.w })) })
  }

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose()
      else if (e.key === 'Enter') save()
      else return
      e.stopPropagation()
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  })

  function at(e: ReactPointerEvent): { x: number; y: number } {
    const r = box.current!.getBoundingClientRect()
    return { x: clamp01((e.clientX - r.left) / r.width), y: clamp01((e.clientY - r.top) / r.height) }
  }
  function place(from: { x: number; y: number }, to: { x: number; y: number }) {
    if (mode.kind === 'foreground') setFg({ x: Math.min(from.x, to.x), y: Math.min(from.y, to.y), w: Math.abs(to.x - from.x), h: Math.abs(to.y - from.y) })
    else (target === 'start' ? setStart : setEnd)(framing(from, to))
  }

  const aspect = ASPECT[aspectRatio]
  const width = Math.min(560, 360 * aspect)
  const title = mode.kind === 'foreground' ? 'Layers of the 2.5D move' : 'Draw the start and end framing'
  const hint =
    mode.kind === 'keyframes'
      ? 'Pick Start or End, then drag the frame on the plate. The move runs from one to the other.'
      : source === 'region'
        ? 'Drag a rectangle over what is near the camera. It moves more than the rest; the plate behind it is filled in (a 2.5D previz).'
        : source === 'depth'
          ? "The shot's second reference is the depth map (white is near); it is cut into three layers."
          : "The shot's second reference is the matte: its alpha (or, without one, its brightness) is the foreground."
  const shown = mode.kind === 'foreground' && source !== 'region' ? secondSha256 : plateSha256
  const rect = (r: TRect, label: string, kind: string) => (
    <div className={styles.rect} data-kind={kind} style={{ left: `${r.x * 100}%`, top: `${r.y * 100}%`, width: `${r.w * 100}%`, height: `${r.h * 100}%` }}>
      <span className={styles.rectLabel}>{label}</span>
    </div>
  )

  return createPortal(
    <div className={styles.backdrop} onPointerDown={(e) => e.stopPropagation()} onClick={onClose}>
      <div ref={layer} tabIndex={-1} className={styles.dialog} role="dialog" aria-modal="true" aria-label={title} data-testid="camera-framing" onClick={(e) => e.stopPropagation()}>
        <div className={styles.head}>
          <span>{title}</span>
          <button type="button" className="m-chip-x" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        <p className={styles.hint}>{hint}</p>
        {mode.kind === 'foreground' && (
          <div className={styles.targets} role="radiogroup" aria-label="Where the layers come from">
            {SOURCES.map((o) => (
              <button key={o.value} type="button" role="radio" aria-checked={source === o.value} className={styles.target} data-testid={`layers-${o.value}`} onClick={() => setSource(o.value)}>
                {o.label}
              </button>
            ))}
          </div>
        )}
        {mode.kind === 'keyframes' && (
          <div className={styles.targets} role="radiogroup" aria-label="Framing to draw">
            {(['start', 'end'] as const).map((t) => (
              <button key={t} type="button" role="radio" aria-checked={target === t} className={styles.target} data-testid={`framing-${t}`} onClick={() => setTarget(t)}>
                {t === 'start' ? 'Start' : 'End'}
              </button>
            ))}
          </div>
        )}
        <div
          ref={box}
          className={styles.plate}
          style={{ width, height: width / aspect }}
          data-testid="framing-plate"
          data-drawing={drawingFg || mode.kind === 'keyframes' ? 'true' : 'false'}
          onPointerDown={(e) => {
            if (!drawingFg && mode.kind !== 'keyframes') return
            e.currentTarget.setPointerCapture(e.pointerId)
            drag.current = at(e)
          }}
          onPointerMove={(e) => drag.current && place(drag.current, at(e))}
          onPointerUp={(e) => {
            if (drag.current) place(drag.current, at(e))
            drag.current = null
          }}
        >
          {shown ? (
            <SignedImg sha256={shown} className={styles.image} draggable={false} />
          ) : (
            <span className={styles.empty}>{shown === plateSha256 ? 'Link a reference image to draw on' : `Link the ${source === 'depth' ? 'depth map' : 'matte'} as the shot's second reference`}</span>
          )}
          {drawingFg && fg && rect(fg, 'Foreground', 'foreground')}
          {mode.kind === 'keyframes' && start && rect(start, 'Start', 'start')}
          {mode.kind === 'keyframes' && end && rect(end, 'End', 'end')}
        </div>
        <div className={styles.actions}>
          <span className={styles.keys}>
            <kbd>Enter</kbd> save · <kbd>Esc</kbd> close
          </span>
          <button type="button" className="m-btn m-btn-sm" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="m-btn m-btn-sm m-btn-primary" disabled={!ready} data-testid="framing-save" onClick={save}>
            Save
          </button>
        </div>
      </div>
    </div>,
    document.body,
  )
}
