'use client'

import { useState } from 'react'
import { stopEventPropagation, useEditor, useValue, type TLShape } from 'tldraw'
import { ZRelightPreset, ZRestylePreset, type TEditModelId, type TLocalEditModelId } from '@montage/core'
import { useBoard } from '@/components/board-context/BoardContext'
import { editCost, startEdit } from '@/lib/client/start-edit'
import { Aleph2Panel, type TKeyframeImage } from './Aleph2Panel'
import styles from './EditMenu.module.css'

type TVariation = TLShape<'variation'>
type TShot = TLShape<'shot'>
type TReference = TLShape<'reference'>

export interface TPreset {
  label: string
  model: TEditModelId
  params: Record<string, unknown>
  /** Aleph 2's prompt; the local edits take none. */
  prompt?: string
  references?: Array<{ shapeId: string; assetSha256: string }>
}

const words = (id: string) => id.charAt(0).toUpperCase() + id.slice(1).replace(/_/g, ' ')

const SECTIONS: Array<{ label: string; presets: Array<TPreset & { model: TLocalEditModelId }>; videoOnly?: boolean }> = [
  { label: 'Relight', presets: ZRelightPreset.options.map((preset) => ({ label: words(preset), model: 'relight', params: { preset } })) },
  { label: 'Restyle', presets: ZRestylePreset.options.map((preset) => ({ label: words(preset), model: 'restyle', params: { preset } })) },
  { label: 'Upscale', presets: ([2, 4] as const).map((factor) => ({ label: `${factor}×`, model: 'upscale', params: { factor } })) },
  { label: 'Interpolate', videoOnly: true, presets: [{ label: '24 → 48 fps', model: 'interpolate', params: { factor: 2 } }] },
]

/** What the menu needs to know of what it edits, and how to start an edit of it. */
export interface EditMenuProps {
  isVideo: boolean
  /** The environment plates a composite can go over. */
  plates: Array<{ shapeId: string; assetSha256: string; tag: string }>
  /** Where plates come from, said when there are none. */
  noPlates: string
  /** An edit's price, when the source's length is known here. */
  cost: (model: TEditModelId) => number | null
  /** The board's images Aleph 2 can take as keyframes of a clip; none offered when absent. */
  keyframeImages?: TKeyframeImage[]
  /** The clip's length in seconds, when known: keyframe places are shown in seconds too. */
  durationSeconds?: number
  start: (preset: TPreset) => Promise<{ variationId: string } | { error: string }>
}

/**
 * "Edit": the local edits (relight, restyle, upscale, interpolate, and a composite over one of the
 * plates offered) with their presets, on any card that shows a picture or a clip, and on a clip
 * Runway's Aleph 2 with a prompt and up to five keyframe images of the board. Each starts a new
 * variation; where it goes is the caller's `start` (a variation's shot row, an upload's Edits shot).
 */
export function EditMenu({ isVideo, plates, noPlates, cost, start, keyframeImages = [], durationSeconds }: EditMenuProps) {
  const { refreshCredits, models } = useBoard()
  const [open, setOpen] = useState(false)
  const [aleph, setAleph] = useState(false)
  const alephOption = models.find((m) => m.id === 'aleph2')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const composites: TPreset[] = plates.map((p) => ({ label: `over @${p.tag || 'untagged'}`, model: 'composite', params: {}, references: [{ shapeId: p.shapeId, assetSha256: p.assetSha256 }] }))

  async function run(preset: TPreset) {
    setBusy(true)
    setError(null)
    try {
      const started = await start(preset)
      if ('error' in started) {
        setError(started.error)
        return
      }
      refreshCredits()
      setOpen(false)
      setAleph(false)
    } catch {
      setError('Could not start the edit.')
    } finally {
      setBusy(false)
    }
  }

  if (!open) {
    return (
      <button type="button" className={styles.toggle} data-testid="variation-edit" onPointerDown={stopEventPropagation} onClick={() => setOpen(true)}>
        Edit
      </button>
    )
  }
  const chip = (p: TPreset) => {
    const credits = cost(p.model)
    return (
      <button
        key={`${p.model}:${p.label}`}
        type="button"
        className={styles.chip}
        disabled={busy}
        title={credits === null ? `${p.label} · priced by the source's length` : `${p.label} · ${credits} credit${credits === 1 ? '' : 's'}`}
        data-testid={`edit-${p.model}-${String(Object.values(p.params)[0] ?? p.references?.[0]?.shapeId ?? '')}`}
        onPointerDown={stopEventPropagation}
        onClick={() => void run(p)}
      >
        {p.label}
      </button>
    )
  }
  const close = () => {
    setOpen(false)
    setAleph(false)
  }
  if (aleph) {
    return (
      <div className={styles.panel} data-testid="variation-edit-menu" onPointerDown={stopEventPropagation} onWheel={(e) => e.stopPropagation()}>
        <Aleph2Panel
          images={keyframeImages}
          durationSeconds={durationSeconds}
          credits={cost('aleph2')}
          busy={busy}
          error={error}
          onBack={() => {
            setAleph(false)
            setError(null)
          }}
          onClose={close}
          onStart={(edit) => void run({ label: 'Aleph 2', ...edit })}
          onInvalid={setError}
        />
      </div>
    )
  }
  return (
    <div className={styles.panel} data-testid="variation-edit-menu" onPointerDown={stopEventPropagation} onWheel={(e) => e.stopPropagation()}>
      <div className={styles.head}>
        <span>{busy ? 'Starting edit…' : 'Edit into a new variation'}</span>
        <button type="button" className={styles.close} aria-label="Close the edit menu" onClick={close}>
          ×
        </button>
      </div>
      {SECTIONS.filter((s) => isVideo || !s.videoOnly).map((s) => (
        <div key={s.label} className={styles.row}>
          <span className={styles.label}>{s.label}</span>
          <div className={styles.chips}>{s.presets.map(chip)}</div>
        </div>
      ))}
      <div className={styles.row}>
        <span className={styles.label}>Composite</span>
        <div className={styles.chips}>{composites.length ? composites.map(chip) : <span className={styles.none}>{noPlates}</span>}</div>
      </div>
      {isVideo && alephOption && (
        <div className={styles.row}>
          <span className={styles.label}>Aleph 2</span>
          <div className={styles.chips}>
            {alephOption.available ? (
              <button
                type="button"
                className={styles.chip}
                disabled={busy}
                data-testid="edit-aleph2"
                onClick={() => {
                  setError(null)
                  setAleph(true)
                }}
              >
                Prompt and keyframes…
              </button>
            ) : (
              <span className={styles.none}>{alephOption.reason}</span>
            )}
          </div>
        </div>
      )}
      {error && <span className={styles.error}>{error}</span>}
    </div>
  )
}

/**
 * "Edit" on a finished variation: each edit starts a new variation in the same shot row that
 * records this one as its parent; a composite goes over one of the shot's image references.
 */
export function VariationEditMenu({ shape }: { shape: TVariation }) {
  const editor = useEditor()
  const { readOnly } = useBoard()
  // The board's images: Aleph 2's keyframes.
  const keyframeImages = useValue('keyframe images', () => boardImages(editor.getCurrentPageShapes()), [editor])
  // The shot's linked references: the environment plates a composite can go over.
  const plates = useValue(
    'composite plates',
    () => {
      const shot = editor.getShape<TShot>(shape.props.shotId as TShot['id'])
      if (!shot || shot.type !== 'shot') return []
      return shot.props.referenceIds
        .map((id) => editor.getShape<TReference>(id as TReference['id']))
        .filter((r): r is TReference => !!r && r.type === 'reference' && !!r.props.assetSha256 && r.props.mimeType.startsWith('image/'))
        .map((r) => ({ shapeId: r.id as string, assetSha256: r.props.assetSha256, tag: r.props.tag }))
    },
    [editor, shape.props.shotId],
  )
  if (readOnly || shape.props.status !== 'succeeded' || !shape.props.generationId || !shape.props.assetSha256) return null
  // Every edit works on pictures: a sound has none to offer.
  if (shape.props.mimeType.startsWith('audio/')) return null
  return (
    <EditMenu
      isVideo={shape.props.mimeType.startsWith('video/')}
      plates={plates}
      noPlates="Link an image reference to the shot"
      cost={(model) => editCost(shape.props.durationSeconds, model)}
      keyframeImages={keyframeImages}
      durationSeconds={shape.props.durationSeconds || undefined}
      start={(preset) => startEdit({ editor, parent: shape, model: preset.model, params: preset.params, prompt: preset.prompt, references: preset.references })}
    />
  )
}

/** The pictures on the board (uploads and library references placed on it) that can pin an Aleph 2 keyframe. */
export function boardImages(shapes: readonly TLShape[], except?: string): TKeyframeImage[] {
  return shapes
    .filter((s): s is TReference => s.type === 'reference' && s.id !== except)
    .filter((r) => !!r.props.assetSha256 && r.props.mimeType.startsWith('image/'))
    .map((r) => ({ shapeId: r.id as string, assetSha256: r.props.assetSha256, tag: r.props.tag, posterSha256: r.props.posterSha256 }))
}
