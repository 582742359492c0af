import { describe, expect, it } from 'vitest'
import { diffAtCaret } from '../src/text-diff'

describe('diffAtCaret: one input event as one edit at the caret', () => {
  it.each<[string, string, string, number, { index: number; removed: number; inserted: string }]>([
    ['typing at the end', 'abc', 'abcd', 4, { index: 3, removed: 0, inserted: 'd' }],
    ['typing a repeated letter inside a run', 'aa', 'aaa', 2, { index: 1, removed: 0, inserted: 'a' }],
    ['typing at the start of a run', 'aa', 'aaa', 1, { index: 0, removed: 0, inserted: 'a' }],
    ['backspace inside a run', 'aaa', 'aa', 1, { index: 1, removed: 1, inserted: '' }],
    ['replacing a selection', 'a big dog', 'a red dog', 5, { index: 2, removed: 3, inserted: 'red' }],
    ['pasting over everything', 'old', 'new text', 8, { index: 0, removed: 3, inserted: 'new text' }],
    ['an emoji after an emoji', '😀', '😀😀', 4, { index: 2, removed: 0, inserted: '😀' }],
  ])('%s', (_name, before, after, caret, expected) => {
    const edit = diffAtCaret(before, after, caret)
    expect(edit).toEqual(expected)
    expect(before.slice(0, edit.index) + edit.inserted + before.slice(edit.index + edit.removed)).toBe(after)
  })
})
