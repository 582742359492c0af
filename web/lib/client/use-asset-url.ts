'use client'

import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react'
import { AssetUrlSigner } from './asset-url-signer'

const AssetUrlContext = createContext<AssetUrlSigner | null>(null)

/** Gives the cards under it signed URLs for `boardId`'s assets. */
export function AssetUrlProvider({ boardId, children }: { boardId: string; children: ReactNode }) {
  const signer = useMemo(() => new AssetUrlSigner(boardId), [boardId])
  useEffect(() => () => signer.dispose(), [signer])
  return createElement(AssetUrlContext.Provider, { value: signer }, children)
}

const noop = () => () => {}

/**
 * A short-lived signed URL of an asset (`/api/media/…`, HTTP Range included), refreshed before it
 * expires; undefined while it is being signed, when `sha256` is empty, or outside an
 * AssetUrlProvider (assets are only ever served through signed URLs or a review link's route).
 */
export function useAssetUrl(sha256: string | null | undefined): string | undefined {
  const signer = useContext(AssetUrlContext)
  useEffect(() => (signer && sha256 ? signer.watch(sha256) : undefined), [signer, sha256])
  const subscribe = useCallback((l: () => void) => (signer ? signer.subscribe(l) : noop()), [signer])
  const url = useSyncExternalStore(
    subscribe,
    () => (signer && sha256 ? signer.get(sha256) : undefined),
    () => undefined,
  )
  return sha256 ? url : undefined
}
