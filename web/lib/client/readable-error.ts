/** A failure as a card shows it: without the API field the message starts with (`params.key: …`). */
export function readableError(message: string): string {
  const text = message.replace(/^[A-Za-z][\w.]*: /, '')
  return text.charAt(0).toUpperCase() + text.slice(1)
}
