'use client'

import { useState } from 'react'
import { stopEventPropagation, useValue, type Editor, type TLShape } from 'tldraw'
import type { TSequenceView } from '@/components/sequence/use-sequence-view'

type TSequence = TLShape<'sequence'>

/** The latest finished render of the sequence (a variation whose `shotId` is the sequence), if any. */
function useLatestRender(editor: Editor, sequenceId: string): TLShape<'variation'> | null {
  return useValue(
    'latest sequence render',
    () => {
      let latest: TLShape<'variation'> | null = null
      for (const shape of editor.getCurrentPageShapes()) {
        if (shape.type !== 'variation') continue
        const v = shape as TLShape<'variation'>
        if (v.props.shotId !== sequenceId || v.props.status !== 'succeeded' || !v.props.assetSha256) continue
        // Renders are placed in order beside the sequence: the later index is the newer version.
        if (!latest || v.index > latest.index) latest = v
      }
      return latest
    },
    [editor, sequenceId],
  )
}

/**
 * What leaves Montage from a sequence: the delivery package (the render, every clip at full
 * quality, the editor hand-off files and the manifest, each file with Content Credentials) and the
 * hand-off files alone. Plain links the browser saves; what the server would refuse is said here
 * first, so a click never saves an error as a file.
 */
export function SequenceExportMenu({ editor, sequence, boardId, view }: { editor: Editor; sequence: TSequence; boardId: string; view: TSequenceView }) {
  const [open, setOpen] = useState(false)
  const render = useLatestRender(editor, sequence.id)
  const base = `/api/sequences/${encodeURIComponent(sequence.id)}`
  const query = `boardId=${encodeURIComponent(boardId)}`
  const { unapproved } = view
  const exportBlocked = view.clips.length === 0 ? 'Add clips first.' : view.problems[0] ?? (sequence.props.delivery && unapproved.length ? `Not approved yet: clip ${unapproved.join(', ')}.` : null)
  const packageBlocked = exportBlocked ?? (unapproved.length ? `Every clip must be approved first: clip ${unapproved.join(', ')}.` : !render ? 'Render the sequence first.' : null)
  const item = (label: string, hint: string, href: string, blocked: string | null, testId: string, sidecar = false) =>
    blocked ? (
      <span className="m-seq-export-item m-seq-export-blocked" title={blocked} aria-disabled data-testid={testId}>
        <span>{label}</span>
        <span className="m-hint">{blocked}</span>
      </span>
    ) : (
      <span className="m-seq-export-row">
        <a className="m-seq-export-item" href={href} download data-testid={testId} onClick={() => setOpen(false)}>
          <span>{label}</span>
          <span className="m-hint">{hint}</span>
        </a>
        {/* A text file cannot carry Content Credentials: they travel beside it. */}
        {sidecar && (
          <a className="m-seq-export-sidecar" href={`${href}&sidecar=1`} download data-testid={`${testId}-c2pa`} title="Its Content Credentials (.c2pa sidecar)" onClick={() => setOpen(false)}>
            .c2pa
          </a>
        )}
      </span>
    )
  return (
    <div className="m-seq-export" onPointerDown={stopEventPropagation}>
      <button className="m-btn m-btn-sm m-btn-ghost" aria-expanded={open} aria-haspopup="menu" data-testid="sequence-export" onClick={() => setOpen((o) => !o)}>
        Export ▾
      </button>
      {open && (
        <div className="m-seq-export-menu" role="menu">
          {item('Delivery package', 'zip · render, clips, hand-off files, manifest', `${base}/package?${query}`, packageBlocked, 'export-package')}
          {item('OpenTimelineIO', '.otio · Resolve, Premiere (plug-in), Avid', `${base}/export?${query}&format=otio`, exportBlocked, 'export-otio', true)}
          {item('Final Cut Pro XML', '.fcpxml 1.10', `${base}/export?${query}&format=fcpxml`, exportBlocked, 'export-fcpxml', true)}
          {item('EDL', 'CMX3600 · any editor', `${base}/export?${query}&format=edl`, exportBlocked, 'export-edl', true)}
        </div>
      )}
    </div>
  )
}
