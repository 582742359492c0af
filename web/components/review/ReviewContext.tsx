'use client'

import { createContext, useContext } from 'react'
import type { Editor } from 'tldraw'
import type { TThreadSummary } from './review-client'

export interface TReviewContext {
  boardId: string
  editor: Editor | null
  /** The board document's thread summaries, live. */
  threads: TThreadSummary[]
  /** Producers and owners approve or request changes. */
  canDecide: boolean
  openViewer: (variationId: string, at?: { threadId?: string; time?: number | null }) => void
}

export const ReviewContext = createContext<TReviewContext>({ boardId: '', editor: null, threads: [], canDecide: false, openViewer: () => {} })

export function useReview(): TReviewContext {
  return useContext(ReviewContext)
}
