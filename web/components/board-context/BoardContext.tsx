'use client'

import { createContext, useContext } from 'react'
import type { listModels } from '@montage/core'

/** A model as the shot's menu lists it: unavailable ones stay listed, with the reason. */
export type TModelOption = ReturnType<typeof listModels>[number]

export interface TBoardContext {
  boardId: string
  /** Reviewers see the board but change nothing. */
  readOnly: boolean
  /** Asks the top bar to refresh the workspace balance (after a generation starts). */
  refreshCredits: () => void
  /** The model menu, with availability decided by the server's env. */
  models: TModelOption[]
  /** Where a failed card links to its workflow; only for people allowed to inspect jobs. */
  temporalUi?: { url: string; namespace: string }
  /** Owners and producers: approve or refuse a job waiting above the approval threshold. */
  canApprove?: boolean
}

export const BoardContext = createContext<TBoardContext>({ boardId: '', readOnly: true, refreshCredits: () => {}, models: [] })

export function useBoard(): TBoardContext {
  return useContext(BoardContext)
}
