import type { Editor } from 'tldraw'
import { placeUploads } from './place-uploads'
import type { UploadTracker } from './UploadTracker'

export interface RegisterUploadHandlersOptions {
  boardId: string
  tracker: UploadTracker
}

/**
 * Files dropped or pasted on the canvas go to our upload API (type checks, dedupe, ingest, private
 * storage) instead of tldraw's own asset store.
 */
export function registerUploadHandlers(editor: Editor, { boardId, tracker }: RegisterUploadHandlersOptions): void {
  editor.registerExternalContentHandler('files', ({ files, point }) => placeUploads({ editor, boardId, tracker, files, point }))
}
