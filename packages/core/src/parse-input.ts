import type { z } from 'zod'
import { AppError, AppErrorCode } from './errors'

/**
 * Parses untrusted input with a zod schema and turns the first problem into a BAD_REQUEST
 * that names the field (`params.duration: Too small: expected number to be >=2`).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  // A key a strict schema does not know is named itself (`colour`, `params.colour`), not its parent.
  const unknown = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined
  const path = unknown === undefined ? issue.path.map(String) : [...issue.path.map(String), unknown]
  const field = path.length > 0 ? path.join('.') : undefined
  const text = unknown === undefined ? issue.message : 'is not something this request takes'
  const message = field ? `${field}: ${text}` : text
  throw new AppError(AppErrorCode.BAD_REQUEST, message, { field })
}

/** A UUID in its canonical text form (any case): what every id of ours that PostgreSQL keys by a uuid looks like. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether `value` can be a uuid id: an id from a URL that is not one names nothing (and would be a database error). */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value)
}
