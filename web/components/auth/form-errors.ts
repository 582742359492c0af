import { readableError } from '@/lib/client/readable-error'
import { ApiRefusal } from '@/lib/client/request-json'

export interface TFormErrors {
  /** Per field, from the API's `field`. */
  fields: Record<string, string>
  /** What belongs to no field (a wrong password, a used invite). */
  form: string | null
}

/** Splits a refusal into the field it names (shown under that input) or the form as a whole. */
export function formErrors(e: unknown, fields: readonly string[]): TFormErrors {
  if (e instanceof ApiRefusal && e.field && fields.includes(e.field)) return { fields: { [e.field]: readableError(e.message) }, form: null }
  return { fields: {}, form: e instanceof Error ? e.message : String(e) }
}

export const NO_ERRORS: TFormErrors = { fields: {}, form: null }
