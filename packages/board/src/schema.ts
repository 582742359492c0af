import { createTLSchema, defaultShapeSchemas, type TLRecord, type TLSchema } from '@tldraw/tlschema'
import { montageShapeSchemas } from './shapes'

/** The board's tldraw schema: the default shapes plus ours. Servers validate records with it. */
export function createBoardSchema(): TLSchema {
  return createTLSchema({ shapes: { ...defaultShapeSchemas, ...montageShapeSchemas } })
}

let shared: TLSchema | undefined
/** One schema is enough per process; it holds no state beyond its definition. */
export function boardSchema(): TLSchema {
  return (shared ??= createBoardSchema())
}

/**
 * Throws a readable error when a record does not fit the schema. With the valid record it
 * replaces, only what changed is validated again.
 */
export function validateRecord(record: TLRecord, before?: TLRecord): TLRecord {
  const type = boardSchema().types[record?.typeName as keyof TLSchema['types']]
  if (!type) throw new Error(`Unknown record type ${String(record?.typeName)}`)
  return (type as { validate(r: unknown, before?: TLRecord): TLRecord }).validate(record, before)
}
