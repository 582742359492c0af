/** A piece of a prompt as the highlighter draws it. */
export type TPromptToken = { text: string; tag: null } | { text: string; tag: string }

// Same rule as promptTags in @montage/core (web/test/prompt-tags.test.ts holds them together): not
// after a word character, a dot or @ (an e-mail address), and not cut short by a `-`.
const TAG = /(?<![A-Za-z0-9_.@])@([a-z][a-z0-9_]{1,31})(?![a-z0-9_-])/g

/** Splits a prompt into plain text and `@tag` tokens. */
export function tokenizePrompt(prompt: string): TPromptToken[] {
  const tokens: TPromptToken[] = []
  let last = 0
  for (const m of prompt.matchAll(TAG)) {
    if (m.index > last) tokens.push({ text: prompt.slice(last, m.index), tag: null })
    tokens.push({ text: m[0], tag: m[1]! })
    last = m.index + m[0].length
  }
  if (last < prompt.length) tokens.push({ text: prompt.slice(last), tag: null })
  return tokens
}

/** The `@partial` being typed just before the caret, if any: where it starts and what it holds so far. */
export function tagQueryAt(prompt: string, caret: number): { start: number; query: string } | null {
  const m = /(^|[^A-Za-z0-9_@.])@([A-Za-z0-9_]{0,32})$/.exec(prompt.slice(0, caret))
  if (!m) return null
  return { start: m.index + m[1]!.length, query: m[2]!.toLowerCase() }
}
