import type { TLUiOverrides } from 'tldraw'
import { createSequenceInView } from '@/components/sequence/create-sequence'

/** Shift+S adds a sequence in view (with the selected variations as its clips), as the top bar's button does. */
export function sequenceShortcut(readOnly: boolean): TLUiOverrides {
  return {
    actions(editor, actions) {
      if (readOnly) return actions
      return { ...actions, 'add-sequence': { id: 'add-sequence', label: 'Add sequence', kbd: 'shift+s', onSelect: () => createSequenceInView(editor) } }
    },
  }
}
