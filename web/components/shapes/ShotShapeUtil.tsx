'use client'

import { useRef, useState } from 'react'
import { findFreeSpot } from '@/lib/client/placement'
import { HTMLContainer, Rectangle2d, ShapeUtil, createShapeId, stopEventPropagation, useEditor, useValue, type TLShape } from 'tldraw'
import { MODELS, MODEL_IDS, type TModelId } from '@montage/core'
import { defaultShotProps, SHOT_H, SHOT_SHAPE, SHOT_W, shotShapeMigrations, shotShapeProps } from '@montage/board/client'
import { useBoard } from '@/components/board-context/BoardContext'
import { ShotPrompt } from '@/components/library/ShotPrompt'
import { PeerCarets } from '@/components/shared-text/PeerCarets'
import { useSharedText } from '@/components/shared-text/useSharedText'
import { SignedImg } from '@/components/media/SignedImg'
import { ShotParamFields } from './ShotParamFields'
import { shotCost, shotCostIsFrom, startGeneration } from '@/lib/client/start-generation'
import { GenerateCountPicker } from './GenerateCountPicker'
import { generateCountOf } from '@/lib/client/generate-count'

export type TShotShape = TLShape<typeof SHOT_SHAPE>
type TReference = TLShape<'reference'>

export class ShotShapeUtil extends ShapeUtil<TShotShape> {
  static override type = SHOT_SHAPE
  static override props = shotShapeProps
  static override migrations = shotShapeMigrations

  getDefaultProps(): TShotShape['props'] {
    return defaultShotProps()
  }

  getGeometry(shape: TShotShape) {
    return new Rectangle2d({ width: shape.props.w, height: shape.props.h, isFilled: true })
  }

  override canResize() {
    return false
  }

  /** What a screen reader says when the shot is selected: its title and the start of its prompt. */
  override getAriaDescriptor(shape: TShotShape) {
    const prompt = shape.props.prompt.trim()
    return `${shape.props.title || 'Untitled shot'}${prompt ? `: ${prompt.length > 80 ? `${prompt.slice(0, 80)}…` : prompt}` : ', no prompt yet'}`
  }

  component(shape: TShotShape) {
    return <ShotCard shape={shape} />
  }

  override getIndicatorPath(shape: TShotShape) {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, shape.props.h, 8)
    return path
  }
}

/** Creates a shot in view, linked to whatever references are selected. */
export function createShotInView(editor: ReturnType<typeof useEditor>): void {
  const selected = editor.getSelectedShapes().filter((s) => s.type === 'reference')
  const bounds = editor.getSelectionPageBounds()
  const center = editor.getViewportPageBounds().center
  // Beside the selected references, so the shot never hides what it links.
  const preferred = selected.length > 0 && bounds ? { x: bounds.maxX + 48, y: bounds.minY } : { x: center.x - SHOT_W / 2, y: center.y - SHOT_H / 2 }
  const at = findFreeSpot(editor, SHOT_W, SHOT_H, preferred)
  const id = createShapeId()
  editor.createShape<TShotShape>({
    id,
    type: SHOT_SHAPE,
    ...at,
    props: { referenceIds: selected.map((s) => s.id) },
  })
  editor.select(id)
  editor.zoomToSelectionIfOffscreen(64, { animation: { duration: 200 } })
}

function ShotCard({ shape }: { shape: TShotShape }) {
  const editor = useEditor()
  const { boardId, readOnly, refreshCredits, models } = useBoard()
  const [starting, setStarting] = useState(false)
  // Why the server refused the last Generate (nothing was started, the placeholders went away).
  const [startError, setStartError] = useState<string | null>(null)
  const { w, h, title, model, duration, referenceIds } = shape.props
  const update = (props: Partial<TShotShape['props']>) => editor.updateShape<TShotShape>({ id: shape.id, type: SHOT_SHAPE, props })
  // Edited together, like the prompt.
  const titleText = useSharedText(shape.id, 'title', title, (value) => update({ title: value }))
  const titleCarets = useRef<HTMLDivElement>(null)

  const boardRefs = useValue(
    'board references',
    () =>
      editor
        .getCurrentPageShapes()
        .filter((s): s is TReference => s.type === 'reference')
        .map((s) => ({ id: s.id as string, tag: s.props.tag, sha: s.props.assetSha256 })),
    [editor],
  )
  const linked = referenceIds.map((id) => boardRefs.find((r) => r.id === id)).filter((r): r is (typeof boardRefs)[number] => !!r)
  const unlinked = boardRefs.filter((r) => !referenceIds.includes(r.id))
  // The Generate button shows what the whole click charges: the shot's cost times ×N.
  const cost = shotCost(shape.props, shape.meta) * generateCountOf(shape)
  const needsRef = MODELS[model].needsReference && linked.length === 0
  // Every model stays listed; the ones this deployment cannot run are greyed out with the reason.
  const options = models.length > 0 ? models : MODEL_IDS.map((id) => ({ id, label: MODELS[id].label, available: true as const }))
  const current = options.find((m) => m.id === model)
  const unavailable = current && !current.available ? current.reason : null

  async function generate() {
    setStarting(true)
    setStartError(null)
    try {
      setStartError(await startGeneration({ editor, boardId, shot: shape }))
      refreshCredits()
    } finally {
      setStarting(false)
    }
  }

  return (
    <HTMLContainer className="m-card m-shot" style={{ width: w, height: h }} data-testid="shot" data-shape-id={shape.id}>
      <div className="m-shot-head">
        <span className="m-badge">Shot</span>
        <span className="m-title-field">
          <PeerCarets ref={titleCarets} value={titleText.value} carets={titleText.carets} className="m-title-carets" />
          <input
            ref={titleText.ref}
            className="m-inline-input m-shot-title"
            value={titleText.value}
            maxLength={80}
            disabled={readOnly}
            aria-label="Shot title"
            data-testid="shot-title"
            onPointerDown={stopEventPropagation}
            onKeyDown={(e) => {
              e.stopPropagation()
              titleText.onKeyDown(e)
            }}
            onChange={(e) => titleText.onChange(e.target.value, e.target.selectionEnd ?? e.target.value.length)}
            onSelect={titleText.onSelect}
            onFocus={titleText.onFocus}
            onBlur={titleText.onBlur}
            onScroll={(e) => {
              if (titleCarets.current) titleCarets.current.scrollLeft = e.currentTarget.scrollLeft
            }}
          />
        </span>
      </div>
      <div className="m-shot-body">
        <label className="m-field">
          <span className="m-field-label">Prompt</span>
          <ShotPrompt shape={shape} readOnly={readOnly} />
        </label>
        <label className="m-field">
          <span className="m-field-label">Model</span>
          <select className="m-select" value={model} disabled={readOnly} data-testid="shot-model" onPointerDown={stopEventPropagation} onChange={(e) => update({ model: e.target.value as TModelId })}>
            {options.map((m) => (
              <option key={m.id} value={m.id} disabled={!m.available} title={m.available ? undefined : m.reason} data-available={m.available ? 'true' : 'false'}>
                {m.available ? m.label : `${m.label}: unavailable`}
              </option>
            ))}
          </select>
        </label>
        <ShotParamFields shape={shape} readOnly={readOnly} />
        <div className="m-field">
          <span className="m-field-label">References</span>
          <div className="m-ref-strip" data-testid="shot-references">
            {linked.map((r) => (
              <span key={r.id} className="m-ref-chip" title={`@${r.tag}`}>
                {r.sha ? <SignedImg sha256={r.sha} alt="" draggable={false} /> : <span className="m-ref-chip-empty" />}
                <span className="m-ref-chip-tag">@{r.tag}</span>
                {!readOnly && (
                  <button
                    className="m-ref-chip-x"
                    aria-label={`Unlink @${r.tag}`}
                    onPointerDown={stopEventPropagation}
                    onClick={() => update({ referenceIds: referenceIds.filter((id) => id !== r.id) })}
                  >
                    ×
                  </button>
                )}
              </span>
            ))}
            {!readOnly && unlinked.length > 0 && (
              <select
                className="m-select m-select-sm m-link-select"
                value=""
                aria-label="Link a reference"
                data-testid="shot-link-reference"
                onPointerDown={stopEventPropagation}
                onChange={(e) => e.target.value && update({ referenceIds: [...referenceIds, e.target.value] })}
              >
                <option value="">+ Link</option>
                {unlinked.map((r) => (
                  <option key={r.id} value={r.id}>@{r.tag}</option>
                ))}
              </select>
            )}
            {linked.length === 0 && (boardRefs.length === 0 || readOnly) && <span className="m-hint">No references linked</span>}
          </div>
        </div>
      </div>
      <div className="m-shot-foot">
        {startError ? (
          <span className="m-shot-error" role="alert" data-testid="shot-error" title={startError}>{startError}</span>
        ) : (
          <span className="m-hint" title={unavailable ?? undefined}>{unavailable ? 'Model unavailable' : needsRef ? 'Link a reference image to generate' : `${MODELS[model].label.split(' (')[0]} · ${shotCostIsFrom(model) ? 'priced by the clip' : `${duration} s`}`}</span>
        )}
        <GenerateCountPicker shape={shape} readOnly={readOnly} unitCost={shotCost(shape.props, shape.meta)} />
        <button
          className="m-btn m-btn-primary"
          data-testid="generate"
          disabled={readOnly || starting || needsRef || !!unavailable}
          onPointerDown={stopEventPropagation}
          onClick={() => void generate()}
        >
          {starting ? 'Starting…' : `Generate · ${shotCostIsFrom(model) ? 'from ' : ''}${cost} credit${cost === 1 ? '' : 's'}`}
        </button>
      </div>
    </HTMLContainer>
  )
}
