'use client'

import { HTMLContainer, Rectangle2d, ShapeUtil, resizeBox, stopEventPropagation, type TLResizeInfo, type TLShape } from 'tldraw'
import { defaultVariationProps, VARIATION_SHAPE, variationShapeMigrations, variationShapeProps } from '@montage/board/client'
import { assetUrl } from '@/lib/client/assets'
import { modelLabel } from '@/lib/client/start-generation'

export type TVariationShape = TLShape<typeof VARIATION_SHAPE>

const FOOTER_H = 32

const STATUS_TEXT: Record<TVariationShape['props']['status'], string> = {
  queued: 'Queued',
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
    return new Rectangle2d({ width: shape.props.w, height: shape.props.h + FOOTER_H, isFilled: true })
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

  component(shape: TVariationShape) {
    const { w, h, status, assetSha256, posterSha256, error, model, durationSeconds, cost } = shape.props
    return (
      <HTMLContainer className="m-card m-variation" style={{ width: w, height: h + FOOTER_H }} data-testid="variation" data-status={status} data-shape-id={shape.id} data-shot-id={shape.props.shotId}>
        <div className="m-variation-media" style={{ height: h }}>
          {status === 'succeeded' && assetSha256 ? (
            <video
              data-testid="variation-video"
              src={assetUrl(assetSha256)}
              poster={posterSha256 ? assetUrl(posterSha256) : undefined}
              controls
              muted
              loop
              autoPlay
              playsInline
              onPointerDown={stopEventPropagation}
            />
          ) : status === 'failed' || status === 'cancelled' ? (
            <div className="m-variation-state m-variation-failed">
              <span className="m-variation-status">{STATUS_TEXT[status]}</span>
              {error && <span className="m-variation-error" data-testid="variation-error">{error}</span>}
              <span className="m-hint">{modelLabel(model)}</span>
            </div>
          ) : (
            <div className="m-variation-state">
              <span className="m-spinner" aria-hidden />
              <span className="m-variation-status">{STATUS_TEXT[status]}</span>
            </div>
          )}
        </div>
        <div className="m-variation-foot">
          <span className={`m-dot m-dot-${status}`} />
          <span className="m-variation-model">{modelLabel(model)}</span>
          <span className="m-hint">{durationSeconds ? `${Math.round(durationSeconds * 10) / 10} s` : ''}{cost ? ` · ${cost} cr` : ''}</span>
        </div>
      </HTMLContainer>
    )
  }

  indicator(shape: TVariationShape) {
    return <rect width={shape.props.w} height={shape.props.h + FOOTER_H} rx={8} ry={8} />
  }
}
