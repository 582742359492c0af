'use client'

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { TLibraryReference } from '@montage/core'
import { requestAllPages } from '@/lib/client/request-all-pages'

export interface TLibrary {
  workspaceId: string
  references: TLibraryReference[]
  /** False until the first answer (or refusal) arrives. */
  loaded: boolean
  error: string | null
  refresh: () => Promise<void>
  open: boolean
  setOpen: (open: boolean) => void
}

const LibraryContext = createContext<TLibrary>({
  workspaceId: '',
  references: [],
  loaded: false,
  error: null,
  refresh: async () => {},
  open: false,
  setOpen: () => {},
})

interface Props {
  workspaceId: string
  open: boolean
  onOpenChange: (open: boolean) => void
  children: ReactNode
}

/** The workspace's reference library, shared by the panel, the prompt autocomplete and the promote action. */
export function LibraryProvider({ workspaceId, open, onOpenChange, children }: Props) {
  const [references, setReferences] = useState<TLibraryReference[]>([])
  const [loaded, setLoaded] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const refresh = useCallback(async () => {
    try {
      const references = await requestAllPages<TLibraryReference>(`/api/workspaces/${encodeURIComponent(workspaceId)}/references`)
      // The API lists them oldest first; the panel and the autocomplete read them by tag.
      setReferences(references.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0)))
      setError(null)
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setLoaded(true)
    }
  }, [workspaceId])

  useEffect(() => {
    void refresh()
  }, [refresh])

  useEffect(() => {
    // Someone else may have added references meanwhile: opening the panel shows the current list.
    if (open) void refresh()
  }, [open, refresh])

  const value = useMemo<TLibrary>(
    () => ({ workspaceId, references, loaded, error, refresh, open, setOpen: onOpenChange }),
    [workspaceId, references, loaded, error, refresh, open, onOpenChange],
  )
  return <LibraryContext.Provider value={value}>{children}</LibraryContext.Provider>
}

export function useLibrary(): TLibrary {
  return useContext(LibraryContext)
}
