'use client'

import { useCallback, useEffect, useState } from 'react'
import { atom, HTMLContainer, Rectangle2d, ShapeUtil, stopEventPropagation, useEditor, useValue, type Editor, type TLShape } from 'tldraw'
import { aspectOf, SEQUENCE_SHAPE, sequenceShapeMigrations, sequenceShapeProps } from '@montage/board/client'
import { SEQUENCE_FPS, sequenceRenderCredits, type TSequenceFps } from '@montage/core'
import { useBoard } from '@/components/board-context/BoardContext'
import { addAudioTrack, appendClips, placeSound, updateSequence } from '@/lib/client/sequence-edits'
import { renderSequence } from '@/lib/client/render-sequence'
import { uploadAsset } from '@/lib/client/upload-asset'
import { formatTimecode } from '@/lib/client/timecode'
import { SequenceExportMenu } from '@/components/sequence/SequenceExportMenu'
import { useSequenceView } from '@/components/sequence/use-sequence-view'
import { SequencePlayer, type TPlayhead } from '@/components/sequence/SequencePlayer'
import { SequenceTimeline, TIMELINE, type TTimelineSelection } from '@/components/sequence/SequenceTimeline'
import { SequenceInspector } from '@/components/sequence/SequenceInspector'
import { SEQUENCE_H, SEQUENCE_W } from '@/components/sequence/create-sequence'
import '@/components/sequence/sequence.css'

export type TSequenceShape = TLShape<typeof SEQUENCE_SHAPE>
type TVariation = TLShape<'variation'>


/** How long the card shows why something it was asked was not done. */
const MESSAGE_MS = 6_000

/** The card's height: one lane more for each audio track. */
const cardHeight = (shape: TSequenceShape) => shape.props.h + shape.props.audioTracks.length * TIMELINE.audio

export class SequenceShapeUtil extends ShapeUtil<TSequenceShape> {
  static override type = SEQUENCE_SHAPE
  static override props = sequenceShapeProps
  static override migrations = sequenceShapeMigrations

  /** Why the last variations dropped on a sequence were left out, by sequence id (shown on its card). */
  readonly dropRefusals = atom<Record<string, string | undefined>>('sequence drop refusals', {})

  getDefaultProps(): TSequenceShape['props'] {
    return { w: SEQUENCE_W, h: SEQUENCE_H, title: 'Untitled sequence', fps: 24, aspectRatio: '16:9', fit: 'letterbox', delivery: false, audioTracks: [] }
  }

  getGeometry(shape: TSequenceShape) {
    return new Rectangle2d({ width: shape.props.w, height: cardHeight(shape), isFilled: true })
  }

  override canResize() {
    return false
  }

  // Variations dragged over the card are offered to it (tldraw highlights it) but never become its
  // children: a drop appends them as clips and the cards go back where they were.
  override canReceiveNewChildrenOfType(_shape: TSequenceShape, type: TLShape['type']) {
    return type === 'variation'
  }

  override onDropShapesOver(shape: TSequenceShape, shapes: TLShape[]) {
    const editor = this.editor
    const variations = shapes.filter((s): s is TVariation => s.type === 'variation')
    if (variations.length === 0) return
    const refusal = appendClips(editor, shape, variations)
    this.dropRefusals.update((all) => ({ ...all, [shape.id]: refusal ?? undefined }))
    putBackWhereDragFrom(editor, variations)
  }

  /** What a screen reader says when the sequence is selected: its title and whether it is for delivery. */
  override getAriaDescriptor(shape: TSequenceShape) {
    return `${shape.props.title || 'Untitled sequence'}${shape.props.delivery ? ', for delivery' : ''}`
  }

  component(shape: TSequenceShape) {
    return <SequenceCard shape={shape} />
  }

  override getIndicatorPath(shape: TSequenceShape) {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, cardHeight(shape), 8)
    return path
  }
}

/**
 * The variation cards dropped on a sequence return to where the drag began (the select tool's
 * translating state keeps that snapshot): they are only referred to by the new clips.
 */
function putBackWhereDragFrom(editor: Editor, variations: TVariation[]): void {
  const state = editor.getStateDescendant('select.translating') as unknown as { snapshot?: { movingShapes?: TLShape[] } } | undefined
  const start = new Map((state?.snapshot?.movingShapes ?? []).map((s) => [s.id, s]))
  const back = variations.flatMap((v) => {
    const was = start.get(v.id)
    return was ? [{ id: v.id, type: 'variation' as const, x: was.x, y: was.y }] : []
  })
  if (back.length) editor.updateShapes(back)
}

/** Creates a sequence in view (beside the selected variations, which become its clips). */
/** How long a sound lasts, read by the browser from the file itself. */
function soundSeconds(file: File): Promise<number> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file)
    const audio = new Audio()
    audio.preload = 'metadata'
    const done = (seconds: number) => {
      URL.revokeObjectURL(url)
      resolve(seconds)
    }
    audio.onloadedmetadata = () => done(Number.isFinite(audio.duration) ? audio.duration : 0)
    audio.onerror = () => done(0)
    audio.src = url
  })
}

function SequenceCard({ shape }: { shape: TSequenceShape }) {
  const editor = useEditor()
  const { boardId, readOnly, refreshCredits } = useBoard()
  const view = useSequenceView(editor, shape, boardId)
  const [selection, setSelection] = useState<TTimelineSelection>(null)
  const [playhead, setPlayhead] = useState<TPlayhead>({ frame: 0, playing: false, epoch: 0 })
  const [prores, setProres] = useState(false)
  const [busy, setBusy] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const dropRefusal = useValue('sequence drop refusal', () => (editor.getShapeUtil(SEQUENCE_SHAPE) as SequenceShapeUtil).dropRefusals.get()[shape.id], [editor, shape.id])
  const isOnlySelected = useValue('sequence selected', () => editor.getOnlySelectedShapeId() === shape.id, [editor, shape.id])
  const { w, title, fps, aspectRatio, fit, delivery } = shape.props
  const cost = sequenceRenderCredits({ totalFrames: Math.max(1, view.totalFrames), fps, prores })
  const problem = message ?? dropRefusal ?? null

  const seek = useCallback((frame: number) => setPlayhead((p) => ({ frame, playing: p.playing, epoch: p.epoch + 1 })), [])
  const togglePlay = useCallback(() => setPlayhead((p) => ({ frame: p.frame >= view.totalFrames ? 0 : p.frame, playing: !p.playing && view.totalFrames > 0, epoch: p.epoch + 1 })), [view.totalFrames])

  // Space plays and pauses the selected sequence (tldraw's hand tool keeps Space elsewhere). The
  // play button never takes focus (mouse down is prevented), so Space is not also its click.
  useEffect(() => {
    if (!isOnlySelected) return
    const onKey = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || e.repeat) return
      const target = e.target as HTMLElement | null
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return
      e.preventDefault()
      e.stopPropagation()
      togglePlay()
    }
    window.addEventListener('keydown', onKey, { capture: true })
    return () => window.removeEventListener('keydown', onKey, { capture: true })
  }, [isOnlySelected, togglePlay])

  // A refusal or a failed upload says why for a while, then goes, as the board's notices do.
  useEffect(() => {
    if (!message) return
    const t = setTimeout(() => setMessage(null), MESSAGE_MS)
    return () => clearTimeout(t)
  }, [message])
  useEffect(() => {
    if (!dropRefusal) return
    const util = editor.getShapeUtil(SEQUENCE_SHAPE) as SequenceShapeUtil
    const t = setTimeout(() => util.dropRefusals.update((all) => ({ ...all, [shape.id]: undefined })), MESSAGE_MS)
    return () => clearTimeout(t)
  }, [dropRefusal, editor, shape.id])

  // A clip removed (here or by someone else) is no longer selected.
  useEffect(() => {
    if (selection && !view.clips.some((c) => c.id === selection.id) && !view.audio.some((a) => a.id === selection.id)) setSelection(null)
  }, [selection, view])

  const update = (props: Partial<TSequenceShape['props']>) => updateSequence(editor, shape, props)
  /** A setting chosen from a menu or a box: its own step of undo (typing a title is not). */
  const setting = (props: Partial<TSequenceShape['props']>) => {
    editor.markHistoryStoppingPoint('sequence settings')
    update(props)
  }

  function changeFps(next: TSequenceFps) {
    if (next === fps) return
    // In/out points are frames at the sequence's rate: keep their times, not their numbers.
    const r = next / fps
    const scale = (n: number) => Math.round(n * r)
    editor.markHistoryStoppingPoint('sequence rate')
    editor.run(() => {
      update({ fps: next })
      for (const id of editor.getSortedChildIdsForParent(shape.id)) {
        const child = editor.getShape(id)
        if (child?.type === 'sequence-clip') {
          const p = (child as TLShape<'sequence-clip'>).props
          editor.updateShape({ id, type: 'sequence-clip', props: { inFrame: scale(p.inFrame), outFrame: Math.max(scale(p.inFrame) + 1, scale(p.outFrame)), transitionFrames: scale(p.transitionFrames) } })
        } else if (child?.type === 'sequence-audio') {
          const p = (child as TLShape<'sequence-audio'>).props
          editor.updateShape({ id, type: 'sequence-audio', props: { startFrame: scale(p.startFrame), inFrame: scale(p.inFrame), outFrame: Math.max(scale(p.inFrame) + 1, scale(p.outFrame)), fadeInFrames: scale(p.fadeInFrames), fadeOutFrames: scale(p.fadeOutFrames) } })
        }
      }
    })
  }

  function addSelected() {
    const selected = editor.getSelectedShapes().filter((s) => s.type === 'variation')
    if (selected.length === 0) return setMessage('Select finished variation cards first (Shift-click to pick several).')
    editor.markHistoryStoppingPoint('add clips')
    setMessage(appendClips(editor, shape, selected))
  }

  async function dropSound(trackId: string, file: File, startFrame: number) {
    setMessage(null)
    setBusy(`Uploading ${file.name}…`)
    try {
      const [{ asset }, localSeconds] = await Promise.all([uploadAsset({ boardId, file }), soundSeconds(file)])
      const seconds = asset.durationMs ? asset.durationMs / 1000 : localSeconds
      if (!(seconds > 0)) throw new Error(`${file.name}: its length could not be read, so it cannot be placed.`)
      if (!asset.mimeType.startsWith('audio/')) throw new Error(`${file.name} is ${asset.mimeType}, not a sound: a track holds WAV, MP3 or AAC.`)
      const sequence = editor.getShape<TSequenceShape>(shape.id)
      if (!sequence) return
      editor.markHistoryStoppingPoint('add sound')
      const id = placeSound(editor, sequence, { trackId, assetSha256: asset.sha256, mimeType: asset.mimeType, name: file.name, durationSeconds: seconds, startFrame })
      setSelection({ kind: 'audio', id })
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(null)
    }
  }

  async function render() {
    setMessage(null)
    setBusy('Starting render…')
    try {
      setMessage(await renderSequence({ editor, boardId, sequence: shape, prores }))
      refreshCredits()
    } finally {
      setBusy(null)
    }
  }

  const notDeliverable = delivery && view.unapproved.length > 0
  const clipCount = view.clips.length
  return (
    <HTMLContainer className="m-card m-seq" style={{ width: w, height: cardHeight(shape) }} data-testid="sequence" data-shape-id={shape.id} data-total-frames={view.totalFrames}>
      <div className="m-shot-head m-seq-head">
        <span className="m-badge">Sequence</span>
        <input
          className="m-inline-input m-shot-title"
          value={title}
          maxLength={200}
          disabled={readOnly}
          aria-label="Sequence title"
          data-testid="sequence-title"
          onPointerDown={stopEventPropagation}
          onChange={(e) => update({ title: e.target.value })}
        />
        {notDeliverable && (
          <span className="m-seq-alert" data-testid="sequence-out-of-date" title={`Not approved: clip ${view.unapproved.join(', clip ')}`}>
            Out of date · not deliverable
          </span>
        )}
        <div className="m-seq-settings" onPointerDown={stopEventPropagation}>
          <select className="m-select m-select-sm" aria-label="Frame rate" data-testid="sequence-fps" value={fps} disabled={readOnly} onChange={(e) => changeFps(Number(e.target.value) as TSequenceFps)}>
            {SEQUENCE_FPS.map((r) => (
              <option key={r} value={r}>{r} fps</option>
            ))}
          </select>
          <select className="m-select m-select-sm" aria-label="Aspect ratio" data-testid="sequence-aspect" value={aspectRatio} disabled={readOnly} onChange={(e) => setting({ aspectRatio: e.target.value as TSequenceShape['props']['aspectRatio'] })}>
            {(['16:9', '9:16', '1:1'] as const).map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </select>
          <select className="m-select m-select-sm" aria-label="Fit" data-testid="sequence-fit" value={fit} disabled={readOnly} onChange={(e) => setting({ fit: e.target.value as TSequenceShape['props']['fit'] })}>
            <option value="letterbox">Letterbox</option>
            <option value="crop">Crop</option>
          </select>
          <label className="m-seq-toggle" title="Marked for delivery: only approved variations may enter">
            <input type="checkbox" data-testid="sequence-delivery" checked={delivery} disabled={readOnly} onChange={(e) => setting({ delivery: e.target.checked })} />
            Delivery
          </label>
        </div>
      </div>
      <div className="m-seq-body">
        <div className="m-seq-monitor">
          <div className="m-seq-screen-box">
            <SequencePlayer clips={view.clips} audio={view.audio} tracks={shape.props.audioTracks} fps={fps} totalFrames={view.totalFrames} aspect={aspectOf(aspectRatio)} fit={fit} playhead={playhead} onPlayhead={setPlayhead} />
          </div>
          <div className="m-seq-transport" onPointerDown={stopEventPropagation}>
            <button className="m-btn m-btn-sm" data-testid="sequence-play" disabled={view.totalFrames === 0} onMouseDown={(e) => e.preventDefault()} onClick={togglePlay} aria-label={playhead.playing ? 'Pause' : 'Play'}>
              {playhead.playing ? <PauseIcon /> : <PlayIcon />}
            </button>
            <span className="m-seq-readout" data-testid="sequence-timecode">
              {formatTimecode(Math.min(playhead.frame, view.totalFrames), fps)} <span className="m-hint">/ {formatTimecode(view.totalFrames, fps)}</span>
            </span>
          </div>
        </div>
        <SequenceInspector editor={editor} view={view} selection={selection} readOnly={readOnly} onSelect={setSelection} />
      </div>
      <SequenceTimeline
        editor={editor}
        sequence={shape}
        view={view}
        width={w}
        frame={playhead.frame}
        readOnly={readOnly}
        selection={selection}
        onSelect={setSelection}
        onSeek={seek}
        onDropSound={(trackId, file, startFrame) => void dropSound(trackId, file, startFrame)}
        onAddTrack={() => {
          editor.markHistoryStoppingPoint('add audio track')
          setMessage(addAudioTrack(editor, shape))
        }}
      />
      <div className="m-shot-foot m-seq-foot" onPointerDown={stopEventPropagation}>
        <span className="m-seq-summary" data-testid="sequence-summary">
          <strong data-testid="sequence-length">{formatTimecode(view.totalFrames, fps)}</strong>
          <span className="m-hint"> · {clipCount} clip{clipCount === 1 ? '' : 's'}</span>
        </span>
        {busy ? (
          <span className="m-hint m-seq-status">{busy}</span>
        ) : problem ? (
          <span className="m-shot-error" role="alert" data-testid="sequence-error" title={problem}>{problem}</span>
        ) : view.problems.length > 0 ? (
          <span className="m-shot-error m-seq-problems" data-testid="sequence-problems" title={view.problems.join('\n')}>
            {view.problems[0]}
            {view.problems.length > 1 ? ` (+${view.problems.length - 1} more)` : ''}
          </span>
        ) : (
          <span className="m-hint m-seq-status">{view.clips.length ? 'Ready to render' : 'No clips yet'}</span>
        )}
        <SequenceExportMenu editor={editor} sequence={shape} boardId={boardId} view={view} />
        {!readOnly && (
          <>
            <button className="m-btn m-btn-sm m-btn-ghost" data-testid="sequence-add-selected" onClick={addSelected}>
              Add selected
            </button>
            <label className="m-seq-toggle" title="Also a ProRes 422 HQ master for finishing">
              <input type="checkbox" data-testid="sequence-prores" checked={prores} onChange={(e) => setProres(e.target.checked)} />
              ProRes
            </label>
            <button className="m-btn m-btn-primary" data-testid="sequence-render" disabled={!!busy || view.clips.length === 0 || view.problems.length > 0} onClick={() => void render()}>
              {`Render sequence · ${cost} credit${cost === 1 ? '' : 's'}`}
            </button>
          </>
        )}
      </div>
    </HTMLContainer>
  )
}

function PlayIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden>
      <path d="M3 1.5v9l7.5-4.5z" fill="currentColor" />
    </svg>
  )
}

function PauseIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden>
      <path d="M2.5 1.5h2.5v9H2.5zM7 1.5h2.5v9H7z" fill="currentColor" />
    </svg>
  )
}
