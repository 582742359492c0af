/**
 * A person-readable reason for a Runway `failureCode`. Runway asks that the codes be treated as
 * diagnostics (the third part may not name the real input), so the message speaks of the kind of
 * problem and keeps the code in brackets for support.
 */
export function runwayFailureMessage(failureCode: string | null | undefined, failure?: string | null): string {
  const code = failureCode ?? ''
  const tag = code ? ` [${code}]` : ''
  if (code.startsWith('SAFETY.INPUT') || code === 'INPUT_PREPROCESSING.SAFETY.TEXT') {
    return `Runway's content moderation rejected the prompt or a reference; change them before trying again.${tag}`
  }
  if (code.startsWith('SAFETY.OUTPUT')) {
    return `Runway's content moderation rejected the result; adjust the prompt or references and try again.${tag}`
  }
  if (code.startsWith('INTERNAL.BAD_OUTPUT')) {
    return `Runway discarded a low-quality result (text or graphics overlaid on a reference can cause this); retry, or use a cleaner reference.${tag}`
  }
  if (code.startsWith('ASSET.INVALID')) {
    return `Runway could not use a reference (wrong format, too large, or an unsupported aspect ratio).${tag}`
  }
  if (code.startsWith('INPUT_PREPROCESSING')) {
    return `Runway could not prepare the inputs; retry, or check the references.${tag}`
  }
  if (code.startsWith('INTERNAL')) {
    return `Runway had an internal error; retrying usually works.${tag}`
  }
  const detail = failure?.trim() ? `: ${failure.trim()}` : '.'
  return `Runway could not generate this${detail}${tag}`
}
