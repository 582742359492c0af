'use client'

import { createContext, useContext } from 'react'

export interface TBoardContext {
  boardId: string
  /** Reviewers see the board but change nothing. */
  readOnly: boolean
  /** Asks the top bar to refresh the workspace balance (after a generation starts). */
  refreshCredits: () => void
}

export const BoardContext = createContext<TBoardContext>({ boardId: '', readOnly: true, refreshCredits: () => {} })

export function useBoard(): TBoardContext {
  return useContext(BoardContext)
}
