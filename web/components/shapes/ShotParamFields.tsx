'use client'

import { stopEventPropagation, useEditor, type TLShape } from 'tldraw'
import { MODELS, type TModelId, type TModelKind } from '@montage/core'
import { allowedValue, paramFieldsFor, shotParamValues, type TParamField } from '@/lib/client/model-param-fields'

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
}
/** What a model reads from the shot's references, where that is more than "an image to start from". */
const REFERENCE_ROLES: Partial<Record<TModelKind, string>> = {
  performance: 'References: 1st the character, 2nd the driving performance clip.',
  video_edit: 'References: 1st the clip to edit.',
  upscale: 'References: 1st the clip to upscale.',
}
/** Shot props that hold a parameter; the others live in the shot's `meta.params` until the shot shape has them. */
const PROP_KEYS = new Set(['duration', 'aspectRatio', 'cameraMove'])

function optionLabel(key: string, value: string | number): string {
  if (key === 'duration') return `${value} s`
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

  const roles = REFERENCE_ROLES[MODELS[shape.props.model as TModelId].kind]
  if (fields.length === 0) return null
  // A tooltip, not a line: the shot card has a fixed height and no room for one more row.
  return (
    <div className="m-row" data-testid="shot-params" data-model={shape.props.model} title={roles}>
      {fields.map((field) => {
        const value = allowedValue(field, values[field.key])
        return (
          <label key={field.key} className="m-field" data-key={field.key}>
            <span className="m-field-label">{LABELS[field.key] ?? field.key}</span>
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
          </label>
        )
      })}
    </div>
  )
}
