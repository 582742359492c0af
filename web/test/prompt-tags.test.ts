import { describe, expect, it } from 'vitest'
import { promptTags, ZReferenceTag } from '@montage/core'
import { tagQueryAt, tokenizePrompt } from '../components/library/prompt-tags'
import { stripFrameAt } from '../components/uploads/strip-frame-at'

describe('prompt @tags in the editor', () => {
  it('highlights exactly the tags the server resolves', () => {
    for (const prompt of ['@hero walks to @bottle.', 'mail ada@studio.com about @hero', '@Hero and @x and @lighthouse-wide', '(@bottle) @bottle_2\n@a1']) {
      const highlighted = [...new Set(tokenizePrompt(prompt).flatMap((t) => (t.tag ? [t.tag] : [])))]
      expect(highlighted).toEqual(promptTags(prompt))
      expect(tokenizePrompt(prompt).map((t) => t.text).join('')).toBe(prompt)
    }
  })

  it('finds the @partial before the caret, and nothing inside an e-mail address', () => {
    expect(tagQueryAt('push toward @li', 15)).toEqual({ start: 12, query: 'li' })
    expect(tagQueryAt('@', 1)).toEqual({ start: 0, query: '' })
    expect(tagQueryAt('push toward @Li and more', 15)).toEqual({ start: 12, query: 'li' })
    expect(tagQueryAt('ada@studio', 10)).toBeNull()
    expect(tagQueryAt('@hero walks', 11)).toBeNull()
  })
})

describe('hover-scrub', () => {
  it('shows frame floor(x / width × frames), never past either end', () => {
    expect(stripFrameAt(0, 10)).toBe(0)
    expect(stripFrameAt(0.05, 10)).toBe(0)
    expect(stripFrameAt(0.55, 10)).toBe(5)
    expect(stripFrameAt(0.999, 10)).toBe(9)
    expect(stripFrameAt(1, 10)).toBe(9)
    expect(stripFrameAt(-0.2, 10)).toBe(0)
  })
})

describe('tags made from file names', () => {
  it('are tags a prompt can use: lowercase letters, digits and _, starting with a letter', async () => {
    const { tagFromFileName, sanitizeTag } = await import('../lib/client/assets')
    const cases: [string, string][] = [
      ['Hero Shot (2).png', 'hero_shot_2'],
      ['lighthouse-wide.jpg', 'lighthouse_wide'],
      ['2024-bottle.jpg', 'ref_2024_bottle'],
      ['---.png', 'ref'],
    ]
    for (const [file, tag] of cases) {
      expect(tagFromFileName(file)).toBe(tag)
      expect(ZReferenceTag.safeParse(tag).success).toBe(true)
      expect(promptTags(`push toward @${tag}`)).toEqual([tag])
    }
    expect(sanitizeTag('@Light-House!')).toBe('light_house')
  })
})
