'use client'

import { useState } from 'react'
import { HTMLContainer, Rectangle2d, ShapeUtil, resizeBox, stopEventPropagation, useEditor, type TLResizeInfo, type TLShape } from 'tldraw'
import { defaultVariationProps, VARIATION_FOOTER_H, VARIATION_SHAPE, variationShapeMigrations, variationShapeProps } from '@montage/board/client'
import { generationWorkflowId, modelLabel, temporalWorkflowUrl } from '@montage/core'
import { useBoard } from '@/components/board-context/BoardContext'
import { VariationReviewBadge } from '@/components/review/VariationReviewBadge'
import { EditOfBadge } from '@/components/review/EditOfBadge'
import { versionText } from '@/components/review/shot-versions'
import { cancelGeneration, decideGenerationApproval, retryGeneration } from '@/lib/client/start-generation'
import { JobProgressBar } from './JobProgressBar'
import { VariationPlayer } from './VariationPlayer'
import { ProvenanceTags, provenanceTitle } from '@/components/review/ProvenanceTags'
import { VariationEditMenu } from '@/components/edit/EditMenu'
import { readableError } from '@/lib/client/readable-error'
import { DownloadLink } from '@/components/media/DownloadLink'
import { memberDownloadHref } from '@/components/review/review-client'

export type TVariationShape = TLShape<typeof VARIATION_SHAPE>

const STATUS_TEXT: Record<TVariationShape['props']['status'], string> = {
  queued: 'Queued',
  awaiting_approval: 'Awaiting approval',
  running: 'Rendering…',
  succeeded: 'Ready',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

export class VariationShapeUtil extends ShapeUtil<TVariationShape> {
  static override type = VARIATION_SHAPE
  static override props = variationShapeProps
  static override migrations = variationShapeMigrations

  getDefaultProps(): TVariationShape['props'] {
    return defaultVariationProps()
  }

  getGeometry(shape: TVariationShape) {
    return new Rectangle2d({ width: shape.props.w, height: shape.props.h + VARIATION_FOOTER_H, isFilled: true })
  }

  override canResize() {
    return true
  }

  override isAspectRatioLocked() {
    return true
  }

  override onResize(shape: TVariationShape, info: TLResizeInfo<TVariationShape>) {
    return resizeBox(shape, info)
  }

  /** What a screen reader says when the card is selected: the model, where the job is, and the review decision. */
  override getAriaDescriptor(shape: TVariationShape) {
    const review = shape.props.reviewState === 'approved' ? ', approved' : shape.props.reviewState === 'changes_requested' ? ', changes requested' : ''
    return `${shape.props.version ? `Version ${shape.props.version}, ` : ''}${shape.props.parentVariationId ? 'edit' : 'take'} by ${shape.props.model}, ${STATUS_TEXT[shape.props.status].replace('…', '').toLowerCase()}${review}`
  }

  component(shape: TVariationShape) {
    return <VariationCard shape={shape} />
  }

  override getIndicatorPath(shape: TVariationShape) {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, shape.props.h + VARIATION_FOOTER_H, 8)
    return path
  }
}

function VariationCard({ shape }: { shape: TVariationShape }) {
  const editor = useEditor()
  const { boardId, readOnly, refreshCredits, temporalUi, canApprove } = useBoard()
  const [busy, setBusy] = useState(false)
  const [actionError, setActionError] = useState<string | null>(null)
  const { w, h, status, assetSha256, posterSha256, error, model, durationSeconds, cost, generationId } = shape.props
  const active = status === 'queued' || status === 'running' || status === 'awaiting_approval'
  const ended = status === 'failed' || status === 'cancelled'
  const awaiting = status === 'awaiting_approval'
  // A refused job ends cancelled, its reason naming who refused.
  const refused = status === 'cancelled' && error.startsWith('Refused by ')
  // Cancel needs the generation id (the server writes it once the job is under way).
  const canCancel = !readOnly && active && !!generationId
  const canRetry = !readOnly && ended && !!generationId && !!shape.props.shotId

  async function cancel() {
    setBusy(true)
    setActionError(null)
    try {
      setActionError(await cancelGeneration(generationId))
    } finally {
      setBusy(false)
    }
  }

  async function decide(decision: 'approve' | 'refuse') {
    setBusy(true)
    setActionError(null)
    try {
      setActionError(await decideGenerationApproval(generationId, decision))
      refreshCredits()
    } finally {
      setBusy(false)
    }
  }

  async function retry() {
    setBusy(true)
    setActionError(null)
    try {
      setActionError(await retryGeneration({ editor, variation: shape }))
      refreshCredits()
    } finally {
      setBusy(false)
    }
  }

  return (
    <HTMLContainer className="m-card m-variation" style={{ width: w, height: h + VARIATION_FOOTER_H }} data-testid="variation" data-status={status} data-shape-id={shape.id} data-shot-id={shape.props.shotId} data-generation-id={generationId || undefined}>
      <div className="m-variation-media" style={{ height: h }}>
        {status === 'succeeded' && assetSha256 ? (
          <VariationPlayer assetSha256={assetSha256} proxySha256={shape.props.proxySha256} posterSha256={posterSha256} stripSha256={shape.props.stripSha256} stripFrames={shape.props.stripFrames} label={modelLabel(model)} />
        ) : ended ? (
          <div className="m-variation-state m-variation-failed">
            <span className="m-variation-status">{refused ? 'Refused' : STATUS_TEXT[status]}</span>
            {error && error !== `${STATUS_TEXT[status]}.` && <span className="m-variation-error" data-testid="variation-error" title={error}>{readableError(error)}</span>}
            <span className="m-hint">{modelLabel(model)}</span>
            {canRetry && (
              <button className="m-btn m-btn-sm" data-testid="variation-retry" disabled={busy} onPointerDown={stopEventPropagation} onClick={() => void retry()}>
                {busy ? 'Retrying…' : 'Retry'}
              </button>
            )}
            {status === 'failed' && temporalUi && generationId && (
              <a className="m-hint" data-testid="variation-workflow-link" href={temporalWorkflowUrl(temporalUi, generationWorkflowId(generationId))} target="_blank" rel="noreferrer" onPointerDown={stopEventPropagation}>
                Workflow
              </a>
            )}
          </div>
        ) : awaiting ? (
          <div className="m-variation-state m-variation-awaiting" data-testid="variation-awaiting">
            <span className="m-variation-status">Awaiting approval</span>
            <span className="m-hint">{modelLabel(model)} · {cost} credits, above the workspace's approval threshold</span>
            {canApprove && generationId ? (
              <span className="m-variation-actions">
                <button className="m-btn m-btn-sm m-btn-primary" data-testid="variation-approve" disabled={busy} onPointerDown={stopEventPropagation} onClick={() => void decide('approve')}>
                  Approve
                </button>
                <button className="m-btn m-btn-sm" data-testid="variation-refuse" disabled={busy} onPointerDown={stopEventPropagation} onClick={() => void decide('refuse')}>
                  Refuse
                </button>
              </span>
            ) : (
              <span className="m-hint">An owner or producer decides.</span>
            )}
            {canCancel && !canApprove && (
              <button className="m-btn m-btn-sm" data-testid="variation-cancel" disabled={busy} onPointerDown={stopEventPropagation} onClick={() => void cancel()}>
                {busy ? 'Cancelling…' : 'Cancel'}
              </button>
            )}
          </div>
        ) : (
          <div className="m-variation-state">
            <span className="m-spinner" aria-hidden />
            <span className="m-variation-status">{STATUS_TEXT[status]}</span>
            {canCancel && (
              <button className="m-btn m-btn-sm" data-testid="variation-cancel" disabled={busy} onPointerDown={stopEventPropagation} onClick={() => void cancel()}>
                {busy ? 'Cancelling…' : 'Cancel'}
              </button>
            )}
          </div>
        )}
        <JobProgressBar variationId={shape.id} status={status} />
        <VariationEditMenu shape={shape} />
        {actionError && <span className="m-variation-action-error" data-testid="variation-action-error">{actionError}</span>}
      </div>
      <div className="m-variation-foot" title={provenanceTitle({ model: modelLabel(model), prompt: shape.props.prompt, referenceTags: shape.props.referenceTags })}>
        <span className={`m-dot m-dot-${status}`} />
        <span className="m-variation-version" data-testid="variation-version" title={shape.props.version ? `Version ${shape.props.version} of this shot` : 'Numbered once the server takes the job'}>
          {versionText(shape.props.version)}
        </span>
        <span className="m-variation-model">{modelLabel(model)}</span>
        <ProvenanceTags tags={shape.props.referenceTags} compact />
        <VariationReviewBadge shape={shape} />
        <EditOfBadge shape={shape} />
        <span className="m-hint">{[durationSeconds ? `${Math.round(durationSeconds * 10) / 10} s` : '', cost ? `${cost} cr` : ''].filter(Boolean).join(' · ')}</span>
        {status === 'succeeded' && assetSha256 && boardId && <DownloadLink href={memberDownloadHref(assetSha256, boardId)} compact />}
      </div>
    </HTMLContainer>
  )
}

