import type { InputHTMLAttributes } from 'react'

interface Props extends InputHTMLAttributes<HTMLInputElement> {
  id: string
  label: string
  /** The server's refusal of this field, if any. */
  error?: string | null
  hint?: string
}

/** A labelled input with its error (from the API's `field`) or hint underneath. */
export function Field({ id, label, error, hint, ...input }: Props) {
  return (
    <div>
      <label className="label" htmlFor={id}>{label}</label>
      <input id={id} className="input" aria-invalid={error ? true : undefined} aria-describedby={error || hint ? `${id}-note` : undefined} {...input} />
      {error ? (
        <div className="field-error" id={`${id}-note`} data-testid={`${id}-error`}>{error}</div>
      ) : hint ? (
        <div className="hint" id={`${id}-note`}>{hint}</div>
      ) : null}
    </div>
  )
}
