'use client'

import { useRef } from 'react'
import { HTMLContainer, Rectangle2d, ShapeUtil, resizeBox, stopEventPropagation, useEditor, type TLResizeInfo, type TLShape } from 'tldraw'
import { REFERENCE_KINDS, REFERENCE_SHAPE, REFERENCE_TAG_MAX, defaultReferenceProps, referenceShapeMigrations, referenceShapeProps, type TReferenceKind } from '@montage/board/client'
import { sanitizeTag, sanitizeTagChars } from '@/lib/client/assets'
import { PeerCarets } from '@/components/shared-text/PeerCarets'
import { useSharedText } from '@/components/shared-text/useSharedText'
import { MediaPreview } from '@/components/uploads/MediaPreview'
import { useBoard } from '@/components/board-context/BoardContext'
import { DownloadLink } from '@/components/media/DownloadLink'
import { memberDownloadHref } from '@/components/review/review-client'
import { ReferenceEditMenu } from './ReferenceEditMenu'

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

  /** What a screen reader says when the card is selected: its tag and kind. */
  override getAriaDescriptor(shape: TReferenceShape) {
    return `@${shape.props.tag}, ${shape.props.kind} reference`
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
  // Edited together, like a shot's title. The field shows the shared text; the card's tag (the
  // record's prop) is its first 32 characters, which two people typing at once may run past.
  const tagText = useSharedText(shape.id, 'tag', tag, (value) => update({ tag: sanitizeTag(value) }))
  const tagCarets = useRef<HTMLDivElement>(null)
  const overLimit = tagText.value.length > REFERENCE_TAG_MAX

  return (
    <HTMLContainer className="m-card m-ref" style={{ width: w, height: h + FOOTER_H }} data-testid="reference" data-tag={tag} data-shape-id={shape.id}>
      <div className="m-ref-media" style={{ height: h }}>
        <MediaPreview shape={shape} />
        {tag && <span className="m-badge m-ref-kind">{kind}</span>}
        <ReferenceEditMenu shape={shape} />
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
          <span className="m-title-field">
            <PeerCarets ref={tagCarets} value={tagText.value} carets={tagText.carets} className="m-ref-tag-carets" />
            <input
              ref={tagText.ref}
              className="m-inline-input m-ref-tag"
              value={tagText.value}
              maxLength={REFERENCE_TAG_MAX}
              disabled={readOnly}
              aria-label="Reference tag"
              aria-invalid={overLimit || undefined}
              title={overLimit ? `Only the first ${REFERENCE_TAG_MAX} characters are the tag: @${tag}` : undefined}
              placeholder="add a tag"
              data-testid="reference-tag"
              onPointerDown={stopEventPropagation}
              onKeyDown={(e) => {
                e.stopPropagation()
                tagText.onKeyDown(e)
              }}
              onChange={(e) => {
                // Only tag characters reach the shared text (the guard refuses others); the caret
                // stays after what was typed.
                const raw = e.target.value
                const caret = e.target.selectionEnd ?? raw.length
                tagText.onChange(sanitizeTagChars(raw), sanitizeTagChars(raw.slice(0, caret)).length)
              }}
              onSelect={tagText.onSelect}
              onFocus={tagText.onFocus}
              onBlur={tagText.onBlur}
              onScroll={(e) => {
                if (tagCarets.current) tagCarets.current.scrollLeft = e.currentTarget.scrollLeft
              }}
            />
          </span>
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
