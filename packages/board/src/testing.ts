import * as Y from 'yjs'
import { createUserId, InstancePresenceRecordType, toRichText, type TLInstancePresence, type TLRecord, type TLShape } from '@tldraw/tlschema'
import { DEFAULT_PAGE_ID, seedBoard, seedRecords } from './seed-board'
import { validateRecord } from './schema'
import { defaultReferenceProps, defaultVariationProps, type TReferenceProps, type TSequenceAudioProps, type TSequenceClipProps, type TSequenceProps, type TVariationProps } from './shapes'

/**
 * Valid board records for tests and benchmarks: what the canvas writes, built without a browser.
 * A board's first client seeds the document record, one page and the schema (`seedBoard`).
 */
export const TEST_PAGE_ID = DEFAULT_PAGE_ID
export { seedBoard, seedRecords }

/** `seedBoard` as one update, to store before anyone connects. */
export function seedBoardUpdate(): Uint8Array {
  const doc = new Y.Doc()
  seedBoard(doc)
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}

type TShapeFields = Partial<Omit<TLShape, 'props'>> & { props?: Record<string, unknown> }

/** A rectangle on the test page, as tldraw's geo tool makes one. */
export function geoShape(id: string, fields: TShapeFields = {}): TLRecord {
  const { props, ...rest } = fields
  return validateRecord({
    id,
    typeName: 'shape',
    type: 'geo',
    x: 0,
    y: 0,
    rotation: 0,
    index: 'a1',
    parentId: TEST_PAGE_ID,
    isLocked: false,
    opacity: 1,
    meta: {},
    ...rest,
    props: {
      geo: 'rectangle', dash: 'draw', url: '', w: 100, h: 100, growY: 0, scale: 1, flipX: false, flipY: false,
      labelColor: 'black', color: 'black', fill: 'none', size: 'm', font: 'draw', align: 'middle', verticalAlign: 'middle',
      richText: toRichText(''),
      ...props,
    },
  } as unknown as TLRecord)
}

/** A shot card on the test page with a prompt. */
export function shotShape(id: string, fields: TShapeFields = {}): TLRecord {
  const { props, ...rest } = fields
  return validateRecord({
    id, typeName: 'shape', type: 'shot', x: 0, y: 0, rotation: 0, index: 'a2', parentId: TEST_PAGE_ID, isLocked: false, opacity: 1, meta: {},
    ...rest,
    props: { w: 360, h: 420, title: 'Shot', prompt: 'a lighthouse at dusk', model: 'previz', duration: 4, aspectRatio: '16:9', cameraMove: 'push_in', referenceIds: [], ...props },
  } as unknown as TLRecord)
}

/** A reference card on the test page, tagged `hero` unless `props` say otherwise. */
export function referenceShape(id: string, fields: Omit<TShapeFields, 'props'> & { props?: Partial<TReferenceProps> } = {}): TLRecord {
  const { props, ...rest } = fields
  return validateRecord({
    id, typeName: 'shape', type: 'reference', x: 0, y: 500, rotation: 0, index: 'a4', parentId: TEST_PAGE_ID, isLocked: false, opacity: 1, meta: {},
    ...rest,
    props: { ...defaultReferenceProps(), tag: 'hero', ...props },
  } as unknown as TLRecord)
}

/** A variation card on the test page; a queued placeholder unless `props` say otherwise. */
export function variationShape(id: string, fields: Omit<TShapeFields, 'props'> & { props?: Partial<TVariationProps> } = {}): TLRecord {
  const { props, ...rest } = fields
  return validateRecord({
    id, typeName: 'shape', type: 'variation', x: 400, y: 0, rotation: 0, index: 'a3', parentId: TEST_PAGE_ID, isLocked: false, opacity: 1, meta: {},
    ...rest,
    props: { ...defaultVariationProps(), ...props },
  } as unknown as TLRecord)
}

/** A sequence card on the test page: 24 fps, 16:9, letterboxed, not for delivery, no audio tracks. */
export function sequenceShape(id: string, fields: Omit<TShapeFields, 'props'> & { props?: Partial<TSequenceProps> } = {}): TLRecord {
  const { props, ...rest } = fields
  return validateRecord({
    id, typeName: 'shape', type: 'sequence', x: 0, y: 600, rotation: 0, index: 'a4', parentId: TEST_PAGE_ID, isLocked: false, opacity: 1, meta: {},
    ...rest,
    props: { w: 960, h: 420, title: 'Spot', fps: 24, aspectRatio: '16:9', fit: 'letterbox', delivery: false, audioTracks: [], ...props },
  } as unknown as TLRecord)
}

/** A clip of `sequenceId` showing `variationId` whole (frames 0–96), cut in. */
export function sequenceClipShape(id: string, sequenceId: string, variationId: string, fields: Omit<TShapeFields, 'props'> & { props?: Partial<TSequenceClipProps> } = {}): TLRecord {
  const { props, ...rest } = fields
  return validateRecord({
    id, typeName: 'shape', type: 'sequence-clip', x: 0, y: 0, rotation: 0, index: 'a1', parentId: sequenceId, isLocked: false, opacity: 1, meta: {},
    ...rest,
    props: { w: 1, h: 1, variationId, inFrame: 0, outFrame: 96, transition: 'cut', transitionFrames: 0, gainDb: 0, ...props },
  } as unknown as TLRecord)
}

/** A sound on track `trackId` of `sequenceId`, from the sequence's start. */
export function sequenceAudioShape(id: string, sequenceId: string, trackId: string, fields: Omit<TShapeFields, 'props'> & { props?: Partial<TSequenceAudioProps> } = {}): TLRecord {
  const { props, ...rest } = fields
  return validateRecord({
    id, typeName: 'shape', type: 'sequence-audio', x: 0, y: 0, rotation: 0, index: 'a1', parentId: sequenceId, isLocked: false, opacity: 1, meta: {},
    ...rest,
    props: { w: 1, h: 1, trackId, assetSha256: 'b'.repeat(64), mimeType: 'audio/wav', name: 'music.wav', durationSeconds: 10, startFrame: 0, inFrame: 0, outFrame: 240, gainDb: 0, fadeInFrames: 0, fadeOutFrames: 0, ...props },
  } as unknown as TLRecord)
}

/**
 * The awareness state a canvas announces: its user and a tldraw presence record with a cursor
 * (the server rewrites the user's id and name to the account's).
 */
export function presenceState(clientId: number, cursor: { x: number; y: number }, user = { id: 'someone', name: 'Someone', color: '#4f8cff' }): { user: typeof user; presence: TLInstancePresence } {
  const presence = InstancePresenceRecordType.create({
    id: InstancePresenceRecordType.createId(String(clientId)),
    currentPageId: TEST_PAGE_ID as never,
    userId: createUserId(user.id),
    userName: user.name,
    color: user.color,
    cursor: { x: cursor.x, y: cursor.y, type: 'default', rotation: 0 },
  })
  return { user, presence }
}
