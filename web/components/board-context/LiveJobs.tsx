'use client'

import { createContext, useCallback, useContext, useSyncExternalStore } from 'react'
import type { TLiveJob, TServerAwarenessState } from '@montage/core'

/**
 * The jobs the collab-server shows on this board (its own awareness entry), by variation id. An
 * external store rather than React state: a progress report re-renders the one card it is for,
 * not the canvas.
 */
export interface TLiveJobsStore {
  get(variationId: string): TLiveJob | undefined
  subscribe(listener: () => void): () => void
  /** Replaces every job with those of the given awareness states (server entries carry `jobs`). */
  setFromAwareness(states: Iterable<unknown>): void
}

export function createLiveJobsStore(): TLiveJobsStore {
  let jobs: Record<string, TLiveJob> = {}
  const listeners = new Set<() => void>()
  return {
    get: (variationId) => jobs[variationId],
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    setFromAwareness(states) {
      const next: Record<string, TLiveJob> = {}
      for (const state of states) {
        const entry = state as Partial<TServerAwarenessState> & { user?: unknown }
        // People's entries carry `user`; only the server's carries jobs.
        if (entry && typeof entry === 'object' && !entry.user && entry.jobs && typeof entry.jobs === 'object') Object.assign(next, entry.jobs)
      }
      if (JSON.stringify(next) === JSON.stringify(jobs)) return
      jobs = next
      for (const l of listeners) l()
    },
  }
}

const empty: TLiveJobsStore = { get: () => undefined, subscribe: () => () => {}, setFromAwareness: () => {} }

export const LiveJobsContext = createContext<TLiveJobsStore>(empty)

/** The live job of one variation, re-rendering only when that job changes. */
export function useLiveJob(variationId: string): TLiveJob | undefined {
  const store = useContext(LiveJobsContext)
  const get = useCallback(() => store.get(variationId), [store, variationId])
  return useSyncExternalStore(store.subscribe, get, get)
}
