'use client'

import { useState } from 'react'
import { stopEventPropagation, useEditor, useValue, type TLShape } from 'tldraw'
import { ZRelightPreset, ZRestylePreset, type TLocalEditModelId } from '@montage/core'
import { useBoard } from '@/components/board-context/BoardContext'
import { editCost, startEdit } from '@/lib/client/start-edit'
import styles from './VariationEditMenu.module.css'

type TVariation = TLShape<'variation'>
type TShot = TLShape<'shot'>
type TReference = TLShape<'reference'>

interface TPreset {
  label: string
  model: TLocalEditModelId
  params: Record<string, unknown>
  references?: Array<{ shapeId: string; assetSha256: string }>
}

const words = (id: string) => id.charAt(0).toUpperCase() + id.slice(1).replace(/_/g, ' ')

const SECTIONS: Array<{ label: string; presets: TPreset[]; videoOnly?: boolean }> = [
  { label: 'Relight', presets: ZRelightPreset.options.map((preset) => ({ label: words(preset), model: 'relight', params: { preset } })) },
  { label: 'Restyle', presets: ZRestylePreset.options.map((preset) => ({ label: words(preset), model: 'restyle', params: { preset } })) },
  { label: 'Upscale', presets: ([2, 4] as const).map((factor) => ({ label: `${factor}×`, model: 'upscale', params: { factor } })) },
  { label: 'Interpolate', videoOnly: true, presets: [{ label: '24 → 48 fps', model: 'interpolate', params: { factor: 2 } }] },
]

/**
 * "Edit" on a finished variation: the local edits (relight, restyle, upscale, interpolate, and a
 * composite over one of the shot's references) with their presets. Each starts a new variation in
 * the same shot row that records this one as its parent.
 */
export function VariationEditMenu({ shape }: { shape: TVariation }) {
  const editor = useEditor()
  const { readOnly, refreshCredits } = useBoard()
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
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
  const isVideo = shape.props.mimeType.startsWith('video/')
  const composites: TPreset[] = plates.map((p) => ({ label: `over @${p.tag}`, model: 'composite', params: {}, references: [{ shapeId: p.shapeId, assetSha256: p.assetSha256 }] }))

  async function run(preset: TPreset) {
    setBusy(true)
    setError(null)
    try {
      const started = await startEdit({ editor, parent: shape, model: preset.model, params: preset.params, references: preset.references })
      if ('error' in started) {
        setError(started.error)
        return
      }
      refreshCredits()
      setOpen(false)
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
  const chip = (p: TPreset) => (
    <button
      key={`${p.model}:${p.label}`}
      type="button"
      className={styles.chip}
      disabled={busy}
      title={`${p.label} · ${editCost(shape, p.model)} credit${editCost(shape, p.model) === 1 ? '' : 's'}`}
      data-testid={`edit-${p.model}-${String(Object.values(p.params)[0] ?? p.references?.[0]?.shapeId ?? '')}`}
      onPointerDown={stopEventPropagation}
      onClick={() => void run(p)}
    >
      {p.label}
    </button>
  )
  return (
    <div className={styles.panel} data-testid="variation-edit-menu" onPointerDown={stopEventPropagation} onWheel={(e) => e.stopPropagation()}>
      <div className={styles.head}>
        <span>{busy ? 'Starting edit…' : 'Edit into a new variation'}</span>
        <button type="button" className={styles.close} aria-label="Close the edit menu" onClick={() => setOpen(false)}>
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
        <div className={styles.chips}>{composites.length ? composites.map(chip) : <span className={styles.none}>Link an image reference to the shot</span>}</div>
      </div>
      {error && <span className={styles.error}>{error}</span>}
    </div>
  )
}
