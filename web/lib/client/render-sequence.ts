import type { Editor, TLShape } from 'tldraw'
import { ZRenderSequenceRequest } from '@montage/core'
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
  const variationId = placeQueuedVariation(editor, sequence)
  const body = ZRenderSequenceRequest.parse({ boardId, sequenceId: sequence.id, variationId, prores })
  return requestJob(editor, [variationId], '/api/sequences/render', body)
}
