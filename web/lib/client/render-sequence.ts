import type { Editor, TLShape } from 'tldraw'
import { timelineFingerprint, ZRenderSequenceRequest } from '@montage/core'
import { timelineFromBoard } from '@montage/board/client'
import { placeQueuedVariation, requestJob } from './start-generation'

export interface RenderSequenceOptions {
  editor: Editor
  boardId: string
  sequence: TLShape<'sequence'>
  /** Also a ProRes 422 HQ master for finishing. */
  prores: boolean
}

/**
 * "Render sequence": a queued variation beside the sequence (its next version), then the render
 * request. Returns why the server refused (the placeholder is then gone), or null.
 */
export async function renderSequence({ editor, boardId, sequence, prores }: RenderSequenceOptions): Promise<string | null> {
  editor.markHistoryStoppingPoint('render sequence')
  // What this person sees, so the server renders exactly that once the board has stored it.
  const seen = timelineFromBoard(editor.store.allRecords(), sequence.id, boardId)
  const timelineSha256 = seen.ok ? await sha256Hex(timelineFingerprint(seen.timeline)) : undefined
  const variationId = placeQueuedVariation(editor, sequence)
  const body = ZRenderSequenceRequest.parse({ boardId, sequenceId: sequence.id, variationId, prores, ...(timelineSha256 ? { timelineSha256 } : {}) })
  return requestJob(editor, [variationId], '/api/sequences/render', body)
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}
