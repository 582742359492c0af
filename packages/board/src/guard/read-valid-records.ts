import type * as Y from 'yjs'
import type { TLRecord, TLSchema } from '@tldraw/tlschema'
import { getMeta, getRecords } from '../doc'
import { boardSchema } from '../schema'
import { isSerializedSchema } from './is-serialized-schema'

export interface TValidRecords {
  /** Every record that migrates to the current schema and passes its validators, by id. */
  records: Map<string, TLRecord>
  /** What was skipped and why (reported by whoever loads the board; never thrown). */
  invalid: { id: string; reason: string }[]
}

/**
 * A board's records (those `only` accepts, all by default) as the current schema reads them: each migrated from the schema the board was
 * written with (`meta.schema`; an unreadable one counts as the current), then validated. A record
 * that does not migrate or validate is skipped and reported, so one bad record, stored before the
 * server checked client updates, never makes a board unloadable.
 */
export function readValidRecords(doc: Y.Doc, opts: { schema?: TLSchema; only?: (record: { typeName?: unknown; type?: unknown }) => boolean } = {}): TValidRecords {
  const schema = opts.schema ?? boardSchema()
  const stored = getMeta(doc).get('schema')
  const persisted = isSerializedSchema(stored) ? stored : schema.serialize()
  const records = new Map<string, TLRecord>()
  const invalid: TValidRecords['invalid'] = []
  for (const [id, { val }] of getRecords(doc).map) {
    // Validating costs ~0.1 ms a record: readers that need some records validate only those.
    if (opts.only && !opts.only(val)) continue
    try {
      const migrated = schema.migratePersistedRecord(val, persisted)
      if (migrated.type === 'error') {
        invalid.push({ id, reason: `does not migrate (${migrated.reason})` })
        continue
      }
      const record = migrated.value
      const type = schema.types[record.typeName as TLRecord['typeName']] as { validate(r: unknown): TLRecord } | undefined
      if (!type) throw new Error(`unknown record type ${String(record.typeName)}`)
      if (record.id !== id) throw new Error(`its id is ${String(record.id)}`)
      records.set(id, type.validate(record))
    } catch (e) {
      invalid.push({ id, reason: e instanceof Error ? e.message : String(e) })
    }
  }
  return { records, invalid }
}
