'use client'

import { useState } from 'react'

/**
 * A value shown once (an API key, a webhook's signing secret, an invite link), selectable, with a
 * Copy button that says "Copied" for that value. A refused clipboard (no permission) leaves the
 * value on screen to select by hand.
 */
export function ShownOnceBox({ value, testId, copyTestId }: { value: string; testId?: string; copyTestId?: string }) {
  const [copied, setCopied] = useState<string | null>(null)
  async function copy() {
    try {
      await navigator.clipboard.writeText(value)
      setCopied(value)
    } catch {
      // Clipboard refused: the value stays selectable on screen.
    }
  }
  return (
    <div className="span-all link-box" data-testid={testId}>
      <code title={value}>{value}</code>
      <button type="button" className="btn" onClick={() => void copy()} data-testid={copyTestId}>{copied === value ? 'Copied' : 'Copy'}</button>
    </div>
  )
}
