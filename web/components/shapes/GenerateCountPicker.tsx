'use client'

import { stopEventPropagation, useEditor, type TLShape } from 'tldraw'
import { GENERATE_COUNTS, generateCountOf } from '@/lib/client/generate-count'
import styles from './GenerateCountPicker.module.css'

type TShot = TLShape<'shot'>

/** ×1 / ×2 / ×4 beside Generate: how many variations of the shot one click makes (a batch). */
export function GenerateCountPicker({ shape, readOnly, unitCost }: { shape: TShot; readOnly: boolean; unitCost: number }) {
  const editor = useEditor()
  const current = generateCountOf(shape)
  return (
    <div className={styles.group} role="radiogroup" aria-label="Variations per Generate" data-testid="generate-count">
      {GENERATE_COUNTS.map((n) => (
        <button
          key={n}
          type="button"
          role="radio"
          aria-checked={n === current}
          className={styles.option}
          disabled={readOnly}
          title={`${n} variation${n === 1 ? '' : 's'} · ${n * unitCost} credit${n * unitCost === 1 ? '' : 's'}`}
          data-testid={`generate-count-${n}`}
          onPointerDown={stopEventPropagation}
          onClick={() => editor.updateShape<TShot>({ id: shape.id, type: 'shot', meta: { ...shape.meta, generateCount: n } })}
        >
          ×{n}
        </button>
      ))}
    </div>
  )
}
