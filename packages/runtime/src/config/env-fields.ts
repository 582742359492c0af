import { accessSync, constants } from 'node:fs'
import { z } from 'zod'

/**
 * An optional variable where an empty value counts as unset: deploy tools (compose files, Helm
 * values rendered from empty strings) often set a variable to nothing rather than leave it out.
 */
export function optionalVar<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === '' ? undefined : v), schema.optional())
}

/** `1` or `0`, or unset when the setting follows from the others (TLS from a key or a file). */
export const ZOptionalFlag = optionalVar(z.enum(['0', '1'], { error: 'must be 1 (on) or 0 (off)' }).transform((v) => v === '1'))

/** A path the process can read now, at start, rather than at the first connection. */
export const ZReadableFile = optionalVar(
  z.string().superRefine((file, ctx) => {
    try {
      accessSync(file, constants.R_OK)
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})` })
    }
  }),
)
