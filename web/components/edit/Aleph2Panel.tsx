'use client'

import { useState } from 'react'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import { ALEPH2_MAX_KEYFRAMES, aleph2Edit, defaultKeyframeAt, type TAleph2Edit, type TKeyframePick } from '@/lib/client/aleph2-keyframes'
import styles from './EditMenu.module.css'

/** An image of the board that can pin a keyframe. */
export interface TKeyframeImage {
  shapeId: string
  assetSha256: string
  tag: string
  posterSha256?: string
}

interface Props {
  images: TKeyframeImage[]
  /** The clip's length, when known: each place is also said in seconds. */
  durationSeconds?: number
  credits: number | null
  busy: boolean
  error: string | null
  onBack: () => void
  onClose: () => void
  onStart: (edit: TAleph2Edit) => void
  onInvalid: (reason: string) => void
}

/**
 * Aleph 2 of the edit menu: what to make of the clip, and up to five of the board's images pinned
 * at places in it (a slider from its first frame to its last). Sent ordered by place.
 */
export function Aleph2Panel({ images, durationSeconds, credits, busy, error, onBack, onClose, onStart, onInvalid }: Props) {
  const [prompt, setPrompt] = useState('')
  const [picks, setPicks] = useState<TKeyframePick[]>([])
  const full = picks.length >= ALEPH2_MAX_KEYFRAMES

  const toggle = (image: TKeyframeImage) =>
    setPicks((now) =>
      now.some((p) => p.shapeId === image.shapeId)
        ? now.filter((p) => p.shapeId !== image.shapeId)
        : now.length >= ALEPH2_MAX_KEYFRAMES
          ? now
          : [...now, { shapeId: image.shapeId, assetSha256: image.assetSha256, at: defaultKeyframeAt(now.length) }],
    )
  const place = (shapeId: string, percent: number) => setPicks((now) => now.map((p) => (p.shapeId === shapeId ? { ...p, at: percent / 100 } : p)))

  const submit = () => {
    if (!prompt.trim()) return onInvalid('Say what Aleph 2 should make of the clip.')
    const edit = aleph2Edit(prompt, picks)
    if ('error' in edit) return onInvalid(edit.error)
    onStart(edit)
  }

  return (
    <>
      <div className={styles.head}>
        <button type="button" className={styles.back} onClick={onBack} aria-label="Back to the edits">
          ‹ Edits
        </button>
        <span>{busy ? 'Starting edit…' : 'Aleph 2 (Runway)'}</span>
        <button type="button" className={styles.close} aria-label="Close the edit menu" onClick={onClose}>
          ×
        </button>
      </div>
      <textarea
        className={styles.prompt}
        data-testid="aleph2-prompt"
        rows={2}
        maxLength={1000}
        placeholder="What should change: make it night, add snow…"
        value={prompt}
        onChange={(e) => setPrompt(e.target.value)}
        onKeyDown={(e) => {
          e.stopPropagation()
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) submit()
        }}
      />
      <span className={styles.sub}>
        Keyframes · {picks.length}/{ALEPH2_MAX_KEYFRAMES}
      </span>
      {images.length === 0 ? (
        <span className={styles.none}>Place an image on the board to pin it in the clip.</span>
      ) : (
        <ul className={styles.keyframes} data-testid="aleph2-keyframes">
          {images.map((image) => {
            const pick = picks.find((p) => p.shapeId === image.shapeId)
            return <KeyframeRow key={image.shapeId} image={image} pick={pick} disabled={busy || (!pick && full)} durationSeconds={durationSeconds} onToggle={() => toggle(image)} onPlace={(percent) => place(image.shapeId, percent)} />
          })}
        </ul>
      )}
      <button type="button" className={styles.start} data-testid="aleph2-start" disabled={busy} onClick={submit}>
        {busy ? 'Starting…' : credits === null ? 'Start Aleph 2' : `Start Aleph 2 · ${credits} credits`}
      </button>
      {error && <span className={styles.error}>{error}</span>}
    </>
  )
}

function KeyframeRow({ image, pick, disabled, durationSeconds, onToggle, onPlace }: { image: TKeyframeImage; pick?: TKeyframePick; disabled: boolean; durationSeconds?: number; onToggle: () => void; onPlace: (percent: number) => void }) {
  const thumb = useAssetUrl(image.posterSha256 || image.assetSha256)
  const name = image.tag ? `@${image.tag}` : 'untagged image'
  const percent = pick ? Math.round(pick.at * 100) : 0
  return (
    <li className={styles.keyframe} data-testid={`aleph2-keyframe-${image.shapeId}`}>
      <label className={styles.pick}>
        <input type="checkbox" checked={!!pick} disabled={disabled} onChange={onToggle} aria-label={`Use ${name} as a keyframe`} />
        <span className={styles.thumb}>{thumb ? <img src={thumb} alt="" draggable={false} /> : null}</span>
        <span className={styles.name}>{name}</span>
      </label>
      {pick && (
        <span className={styles.at}>
          <input
            type="range"
            min={0}
            max={100}
            step={1}
            value={percent}
            data-testid={`aleph2-at-${image.shapeId}`}
            aria-label={`Where ${name} falls in the clip, in percent`}
            onChange={(e) => onPlace(Number(e.target.value))}
            onKeyDown={(e) => e.stopPropagation()}
          />
          <span className={styles.atValue}>{durationSeconds ? `${((percent / 100) * durationSeconds).toFixed(1)} s` : `${percent}%`}</span>
        </span>
      )}
    </li>
  )
}
