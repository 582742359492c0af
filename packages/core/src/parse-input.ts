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
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : undefined
  const message = field ? `${field}: ${issue.message}` : issue.message
  throw new AppError(AppErrorCode.BAD_REQUEST, message, { field })
}
