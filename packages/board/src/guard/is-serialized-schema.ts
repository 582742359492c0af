import type { SerializedSchema } from '@tldraw/store'
import { isPlainObject } from '../is-plain-object'

/** Whether a value is a tldraw schema as `schema.serialize()` writes it (v2, or the older v1). */
export function isSerializedSchema(value: unknown): value is SerializedSchema {
  if (typeof value !== 'object' || value === null) return false
  const schema = value as { schemaVersion?: unknown; sequences?: unknown; storeVersion?: unknown; recordVersions?: unknown }
  if (schema.schemaVersion === 2) return isPlainObject(schema.sequences) && Object.values(schema.sequences).every((v) => Number.isInteger(v) && (v as number) >= 0)
  if (schema.schemaVersion === 1) return typeof schema.storeVersion === 'number' && isPlainObject(schema.recordVersions)
  return false
}
