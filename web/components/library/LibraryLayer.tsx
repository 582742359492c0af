'use client'

import type { Editor } from 'tldraw'
import { LibraryPanel } from './LibraryPanel'
import { SelectionActions } from './SelectionActions'

/** What the library adds over the canvas: the drawer and the "Make reference…" action. */
export function LibraryLayer({ editor, boardId, readOnly }: { editor: Editor; boardId: string; readOnly: boolean }) {
  return (
    <>
      <SelectionActions editor={editor} />
      <LibraryPanel editor={editor} boardId={boardId} readOnly={readOnly} />
    </>
  )
}
