'use client'

import { HTMLContainer, Rectangle2d, ShapeUtil, resizeBox, stopEventPropagation, useEditor, type TLResizeInfo, type TLShape } from 'tldraw'
import { REFERENCE_KINDS, REFERENCE_SHAPE, defaultReferenceProps, referenceShapeMigrations, referenceShapeProps, type TReferenceKind } from '@montage/board/client'
import { sanitizeTag } from '@/lib/client/assets'
import { MediaPreview } from '@/components/uploads/MediaPreview'
import { useBoard } from '@/components/board-context/BoardContext'
import { DownloadLink } from '@/components/media/DownloadLink'
import { memberDownloadHref } from '@/components/review/review-client'

export type TReferenceShape = TLShape<typeof REFERENCE_SHAPE>

export class ReferenceShapeUtil extends ShapeUtil<TReferenceShape> {
  static override type = REFERENCE_SHAPE
  static override props = referenceShapeProps
  static override migrations = referenceShapeMigrations

  getDefaultProps(): TReferenceShape['props'] {
    return { ...defaultReferenceProps(), tag: 'ref' }
  }

  getGeometry(shape: TReferenceShape) {
    return new Rectangle2d({ width: shape.props.w, height: shape.props.h + FOOTER_H, isFilled: true })
  }

  override canResize() {
    return true
  }

  override isAspectRatioLocked() {
    return true
  }

  override onResize(shape: TReferenceShape, info: TLResizeInfo<TReferenceShape>) {
    return resizeBox(shape, info)
  }

  component(shape: TReferenceShape) {
    return <ReferenceCard shape={shape} />
  }

  override getIndicatorPath(shape: TReferenceShape) {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, shape.props.h + FOOTER_H, 8)
    return path
  }
}

const FOOTER_H = 40

function ReferenceCard({ shape }: { shape: TReferenceShape }) {
  const editor = useEditor()
  const { boardId, readOnly } = useBoard()
  const { w, h, tag, kind, assetSha256 } = shape.props
  const update = (props: Partial<TReferenceShape['props']>) => editor.updateShape<TReferenceShape>({ id: shape.id, type: REFERENCE_SHAPE, props })

  return (
    <HTMLContainer className="m-card m-ref" style={{ width: w, height: h + FOOTER_H }} data-testid="reference" data-tag={tag} data-shape-id={shape.id}>
      <div className="m-ref-media" style={{ height: h }}>
        <MediaPreview shape={shape} />
        {tag && <span className="m-badge m-ref-kind">{kind}</span>}
      </div>
      {shape.props.mimeType.startsWith('audio/') ? (
        // A sound is no reference for a model to follow: its card names it and offers no tag.
        <div className="m-ref-footer">
          <span className="m-hint" data-testid="reference-sound">Sound</span>
          {assetSha256 && boardId && <DownloadLink href={memberDownloadHref(assetSha256, boardId)} compact />}
        </div>
      ) : (
        <div className="m-ref-footer">
          <span className="m-ref-at">@</span>
          <input
            className="m-inline-input m-ref-tag"
            value={tag}
            disabled={readOnly}
            aria-label="Reference tag"
            placeholder="add a tag"
            data-testid="reference-tag"
            onPointerDown={stopEventPropagation}
            onChange={(e) => update({ tag: sanitizeTag(e.target.value) })}
          />
          <select
            className="m-select m-select-sm"
            value={kind}
            disabled={readOnly}
            aria-label="Reference kind"
            onPointerDown={stopEventPropagation}
            onChange={(e) => update({ kind: e.target.value as TReferenceKind })}
          >
            {REFERENCE_KINDS.map((k) => (
              <option key={k} value={k}>{k}</option>
            ))}
          </select>
          {assetSha256 && boardId && <DownloadLink href={memberDownloadHref(assetSha256, boardId)} compact />}
        </div>
      )}
    </HTMLContainer>
  )
}
