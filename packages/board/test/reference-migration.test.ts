import { describe, expect, it } from 'vitest'
import { boardSchema, defaultReferenceProps, type TReferenceProps } from '../src'

describe('reference shape migration', () => {
  // Bug: a board created before ingest existed re-ran AddMedia on every load over the references the
  // server had since written, resetting a clip's poster, strip and proxy and marking pending ones ready.
  it('keeps the renditions the server wrote into a board created under the first schema', () => {
    const schema = boardSchema()
    const snapshot = schema.serialize()
    const createdUnder = { ...snapshot, sequences: { ...snapshot.sequences, 'com.tldraw.shape.reference': 0 } }
    const written = {
      id: 'shape:clip', typeName: 'shape', type: 'reference', x: 0, y: 0, rotation: 0, index: 'a1', parentId: 'page:main', isLocked: false, opacity: 1, meta: {},
      props: { ...defaultReferenceProps(), assetSha256: 'a'.repeat(64), mimeType: 'video/mp4', posterSha256: 'b'.repeat(64), stripSha256: 'c'.repeat(64), stripFrames: 10, proxySha256: 'd'.repeat(64), ingest: 'pending', libraryId: 'lib1' },
    }
    const migrated = schema.migrateStoreSnapshot({ store: { [written.id]: written } as never, schema: createdUnder })
    expect(migrated.type).toBe('success')
    const props = (migrated as { value: Record<string, { props: TReferenceProps }> }).value['shape:clip']!.props
    expect(props).toMatchObject({ posterSha256: 'b'.repeat(64), stripSha256: 'c'.repeat(64), stripFrames: 10, proxySha256: 'd'.repeat(64), ingest: 'pending', libraryId: 'lib1' })
  })
})
