import { REFERENCE_TAG_MAX } from '@montage/board/client'

/**
 * A prompt tag from a file name, in the alphabet prompts and the library take (`ZReferenceTag`:
 * lowercase letters, digits and _, starting with a letter): `Hero Shot (2).png` → `hero_shot_2`,
 * `2024-bottle.jpg` → `ref_2024_bottle`.
 */
export function tagFromFileName(name: string): string {
  const base = name.replace(/\.[^.]+$/, '').toLowerCase()
  const tag = base.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
  if (!tag) return 'ref'
  return (/^[a-z]/.test(tag) ? tag : `ref_${tag}`).slice(0, 32).replace(/_+$/, '')
}

/** What a person types as a tag, kept to the same alphabet as they type (a leading @ dropped). */
export function sanitizeTag(input: string): string {
  return sanitizeTagChars(input).slice(0, REFERENCE_TAG_MAX)
}

/** What typing `input` into a tag field leaves: lowercase letters, digits and `_` (a `-` becomes `_`), uncut. */
export function sanitizeTagChars(input: string): string {
  return input.toLowerCase().replace(/^@/, '').replace(/-/g, '_').replace(/[^a-z0-9_]/g, '')
}
