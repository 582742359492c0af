import { boardSchema } from '../schema'
import { isSerializedSchema } from './is-serialized-schema'

export interface CheckMetaWritesOptions {
  /** `meta` as the board holds it now (the document's map itself: only read, one key). */
  current: Pick<ReadonlyMap<string, unknown>, 'get'>
  writes: ReadonlyMap<string, unknown>
  deletes: ReadonlySet<string>
}

/**
 * People write only `meta.schema`, the tldraw schema the board's records were written with (the
 * server also keeps each shot's version counter there, `version:<shotId>`, which no person may
 * write or delete). The first client
 * of a new board writes it; afterwards it may only be written again unchanged (two clients that
 * seed one board at once), never replaced, removed or set to a schema newer than the server's.
 */
export function checkMetaWrites({ current, writes, deletes }: CheckMetaWritesOptions): string | null {
  for (const [key, value] of writes) {
    if (key !== 'schema') return `meta.${key} is not part of a board.`
    if (!isSerializedSchema(value)) return 'meta.schema must be a tldraw schema ({ schemaVersion, sequences }).'
    const existing = current.get('schema')
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(value)) return "meta.schema is set when a board is created; only the server changes it."
    let migratable = false
    try {
      migratable = boardSchema().getMigrationsSince(value).ok
    } catch {
      migratable = false
    }
    if (!migratable) return 'meta.schema is from a newer or unknown version of Montage; reload the page.'
  }
  for (const key of deletes) if (!writes.has(key)) return `meta.${key} cannot be deleted.`
  return null
}
