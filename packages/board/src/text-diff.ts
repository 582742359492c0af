import type * as Y from 'yjs'

/**
 * The one edit that turns `before` into `after`, placed by the caret (where the edit ended in
 * `after`): typing "a" after the first "a" of "aa" inserts at 1, not at the end.
 */
export function diffAtCaret(before: string, after: string, caret: number): { index: number; removed: number; inserted: string } {
  let prefix = 0
  const maxPrefix = Math.min(before.length, after.length)
  while (prefix < maxPrefix && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++
  let suffix = 0
  const maxSuffix = Math.min(before.length, after.length, Math.max(0, after.length - caret))
  while (suffix < maxSuffix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++
  prefix = Math.min(prefix, before.length - suffix, after.length - suffix)
  // Never split a surrogate pair.
  if (prefix > 0 && isHighSurrogate(after.charCodeAt(prefix - 1))) prefix--
  if (suffix > 0 && isLowSurrogate(after.charCodeAt(after.length - suffix))) suffix--
  return { index: prefix, removed: before.length - prefix - suffix, inserted: after.slice(prefix, after.length - suffix) }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

/**
 * Changes `text` into `next` with the one edit `diffAtCaret` finds (inside the caller's transaction):
 * a person's input event, or the server writing a restored value, touch only what differs, so other
 * people's carets elsewhere keep their place. False when the text already says `next`.
 */
export function rewriteText(text: Y.Text, next: string, caret: number): boolean {
  const { index, removed, inserted } = diffAtCaret(text.toString(), next, caret)
  if (removed > 0) text.delete(index, removed)
  if (inserted) text.insert(index, inserted)
  return removed > 0 || inserted.length > 0
}
