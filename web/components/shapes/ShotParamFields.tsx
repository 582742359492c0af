'use client'

import { useState } from 'react'
import { stopEventPropagation, useEditor, type TLShape } from 'tldraw'
import { isLayeredMove, MODELS, type TCameraKeyframe, type TModelId, type TModelKind, type TPrevizLayers } from '@montage/core'
import { allowedValue, paramFieldsFor, shotParamValues, type TParamField } from '@/lib/client/model-param-fields'
import { CameraFramingDialog } from './CameraFramingDialog'
import styles from './CameraFramingDialog.module.css'

type TShot = TLShape<'shot'>

const LABELS: Record<string, string> = {
  duration: 'Duration',
  aspectRatio: 'Aspect',
  cameraMove: 'Camera',
  resolution: 'Resolution',
  expressionIntensity: 'Expression',
  bodyControl: 'Body',
  voice: 'Voice',
  loop: 'Loop',
  keyframes: 'Keyframes',
  audio: 'Sound',
  quality: 'Quality',
  scaleFactor: 'Scale',
  flavor: 'Look',
}
/** The ids the browser tests already use for the first two. */
const TEST_IDS: Record<string, string> = { duration: 'shot-duration', cameraMove: 'shot-camera' }
const CAMERA_LABELS: Record<string, string> = {
  static: 'Static',
  push_in: 'Push in',
  pull_out: 'Pull out',
  pan_left: 'Pan left',
  pan_right: 'Pan right',
  tilt_up: 'Tilt up',
  tilt_down: 'Tilt down',
  orbit: 'Orbit 360° (2.5D)',
  arc_left: 'Arc left (2.5D)',
  arc_right: 'Arc right (2.5D)',
  crane_up: 'Crane up (2.5D)',
  crane_down: 'Crane down (2.5D)',
  dolly_zoom_in: 'Dolly zoom in (2.5D)',
  dolly_zoom_out: 'Dolly zoom out (2.5D)',
  keyframes: 'Keyframed',
}
/** What a model reads from the shot's references, where that is more than "an image to start from". */
const REFERENCE_ROLES: Partial<Record<TModelKind, string>> = {
  performance: 'References: 1st the character, 2nd the driving performance clip (3–30 s; its length sets the price).',
  video_edit: 'References: 1st the clip to edit (its length sets the price), then up to 5 keyframe images, spread from its first frame to its last.',
  upscale: 'References: 1st the clip or still to upscale.',
}
/** A keyframe model's roles depend on its keyframes choice. */
const KEYFRAME_ROLES: Record<string, string> = {
  first: 'References: 1st the first frame (or an @tag); none for text alone.',
  first_last: 'References: 1st the first frame, 2nd the last frame (linked first, then @tags).',
}
/** Shot props that hold a parameter; the others live in the shot's `meta.params` until the shot shape has them. */
const PROP_KEYS = new Set(['duration', 'aspectRatio', 'cameraMove'])

function optionLabel(key: string, value: string | number): string {
  if (key === 'duration') return `${value} s`
  if (key === 'keyframes') return value === 'first' ? 'First' : value === 'first_last' ? 'Both' : value === 0 ? 'None' : `${value} after the clip`
  if (key === 'scaleFactor') return `${value}×`
  if (key === 'quality' || key === 'flavor') return String(value).replace('_', ' ').replace(/^./, (c) => c.toUpperCase())
  if (key === 'cameraMove') return CAMERA_LABELS[value] ?? String(value)
  return String(value)
}

/** The shot card's parameter row: only the fields the chosen model takes, with its allowed values. */
export function ShotParamFields({ shape, readOnly }: { shape: TShot; readOnly: boolean }) {
  const editor = useEditor()
  const fields = paramFieldsFor(shape.props.model as TModelId)
  const values = shotParamValues(shape)

  function set(field: TParamField, raw: string) {
    const value = field.kind === 'toggle' ? raw === 'on' : typeof field.options[0] === 'number' ? Number(raw) : raw
    if (PROP_KEYS.has(field.key)) {
      editor.updateShape<TShot>({ id: shape.id, type: 'shot', props: { [field.key]: value } as Partial<TShot['props']> })
    } else {
      const extras = (shape.meta.params ?? {}) as Record<string, string | number | boolean>
      editor.updateShape<TShot>({ id: shape.id, type: 'shot', meta: { ...shape.meta, params: { ...extras, [field.key]: value } } })
    }
  }

  const keyframes = values.keyframes
  const keyframeField = fields.find((f) => f.key === 'keyframes')
  const keyframeRole = keyframeField?.kind === 'select' && typeof keyframeField.defaultValue === 'string' ? KEYFRAME_ROLES[String(allowedValue(keyframeField, keyframes))] : undefined
  const roles = keyframeRole ?? REFERENCE_ROLES[MODELS[shape.props.model as TModelId].kind]
  if (fields.length === 0) return null
  // A tooltip, not a line: the shot card has a fixed height and no room for one more row.
  return (
    <div className="m-row" data-testid="shot-params" data-model={shape.props.model} title={roles}>
      {fields.map((field) => {
        const value = allowedValue(field, values[field.key])
        const select = (
          <select
            className="m-select"
            value={field.kind === 'toggle' ? (value ? 'on' : 'off') : String(value)}
            disabled={readOnly}
            data-testid={TEST_IDS[field.key] ?? `shot-param-${field.key}`}
            onPointerDown={stopEventPropagation}
            onChange={(e) => set(field, e.target.value)}
          >
            {field.kind === 'toggle' ? (
              <>
                <option value="on">On</option>
                <option value="off">Off</option>
              </>
            ) : (
              field.options.map((o) => (
                <option key={String(o)} value={String(o)}>
                  {optionLabel(field.key, o)}
                </option>
              ))
            )}
          </select>
        )
        return (
          <label key={field.key} className="m-field" data-key={field.key}>
            <span className="m-field-label">{LABELS[field.key] ?? field.key}</span>
            {field.key === 'cameraMove' && shape.props.model === 'previz' ? (
              <span className={styles.camera}>
                {select}
                <CameraDrawButton shape={shape} readOnly={readOnly} />
              </span>
            ) : (
              select
            )}
          </label>
        )
      })}
    </div>
  )
}

/**
 * The button beside the camera move that a 2.5D move (which part of the plate is near: a foreground
 * drawn on it, or a depth map or matte linked as the shot's second reference) and a keyframed move
 * (its start and end framings) need: it opens the dialog where they are drawn or picked.
 */
function CameraDrawButton({ shape, readOnly }: { shape: TShot; readOnly: boolean }) {
  const editor = useEditor()
  const [open, setOpen] = useState(false)
  const move = shape.props.cameraMove
  const extras = (shape.meta.params ?? {}) as Record<string, unknown>
  const layers = extras.layers as TPrevizLayers | undefined
  const keyframes = extras.keyframes as TCameraKeyframe[] | undefined
  if (!isLayeredMove(move) && move !== 'keyframes') return null

  const refSha = (i: number) => {
    const id = shape.props.referenceIds[i]
    return (id && editor.getShape<TLShape<'reference'>>(id as TLShape<'reference'>['id'])?.props.assetSha256) || null
  }
  const set = (key: string, value: unknown) => editor.updateShape<TShot>({ id: shape.id, type: 'shot', meta: { ...shape.meta, params: { ...extras, [key]: value } as never } })
  const done = move === 'keyframes' ? !!keyframes : !!layers
  const what = move === 'keyframes' ? 'the start and end framing' : 'the layers (foreground, depth map or matte)'

  return (
    <>
      <button
        type="button"
        className={`m-btn m-btn-sm ${styles.draw}`}
        data-done={done ? 'true' : 'false'}
        disabled={readOnly}
        title={done ? `Edit ${what}` : `Draw ${what}: needed for this move`}
        aria-label={done ? `Edit ${what}` : `Draw ${what}`}
        data-testid="shot-draw-framing"
        onPointerDown={stopEventPropagation}
        onClick={() => setOpen(true)}
      >
        {done ? 'Edit' : 'Draw'}
      </button>
      {open && (
        <CameraFramingDialog
          plateSha256={refSha(0)}
          secondSha256={refSha(1)}
          aspectRatio={shape.props.aspectRatio}
          mode={move === 'keyframes' ? { kind: 'keyframes', keyframes } : { kind: 'foreground', layers }}
          onClose={() => setOpen(false)}
          onSave={(value) => {
            if ('layers' in value) set('layers', value.layers)
            else set('keyframes', value.keyframes)
            setOpen(false)
          }}
        />
      )}
    </>
  )
}
