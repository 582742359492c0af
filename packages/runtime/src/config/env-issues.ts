import { readFileSync } from 'node:fs'
import { EnvError } from '@montage/core'

/** A problem with one variable, as `parseEnv` prints it: the variable, then what is wrong. */
export interface EnvIssue {
  variable: string
  message: string
}

/** Throws the issues as one start-up error (exit 78 under `exitOnEnvError`), each line naming its variable. */
export function throwEnvIssues(issues: EnvIssue[]): void {
  if (issues.length === 0) return
  throw new EnvError(`Invalid environment:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`)
}

/** Reads a file a variable names; a failure is an `EnvError` naming the variable. */
export function readEnvFile(variable: string, file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (e) {
    throw new EnvError(`Invalid environment:\n  ${variable}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`)
  }
}
