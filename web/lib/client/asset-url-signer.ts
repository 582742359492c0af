import type { TSignAssetsResponse } from '@montage/core'

/** Re-sign this long before a URL expires, so a card never holds a dead link. */
const REFRESH_BEFORE_MS = 60_000
/** Requests made within this window go out as one batch. */
const BATCH_DELAY_MS = 15
const MAX_BATCH = 100

interface TEntry {
  url: string
  expiresAt: number
}

/**
 * Signed URLs of one board's assets: batches the signing requests of every card that mounts in the
 * same moment, caches the answers, and re-signs what is still shown a minute before it expires.
 * One per board canvas (AssetUrlProvider), created and disposed with it.
 */
export class AssetUrlSigner {
  private readonly entries = new Map<string, TEntry>()
  private readonly watchers = new Map<string, number>()
  private readonly listeners = new Set<() => void>()
  private readonly queued = new Set<string>()
  private readonly inFlight = new Set<string>()
  private batchTimer: ReturnType<typeof setTimeout> | undefined
  private refreshTimer: ReturnType<typeof setTimeout> | undefined

  constructor(
    readonly boardId: string,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  /** The current URL of an asset, or undefined until its first signature arrives. */
  get(sha256: string): string | undefined {
    const entry = this.entries.get(sha256)
    if (!entry || entry.expiresAt - Date.now() < REFRESH_BEFORE_MS) this.request(sha256)
    return entry && entry.expiresAt > Date.now() ? entry.url : undefined
  }

  /** A card showing `sha256` keeps it refreshed until it lets go. */
  watch(sha256: string): () => void {
    this.watchers.set(sha256, (this.watchers.get(sha256) ?? 0) + 1)
    return () => {
      const n = (this.watchers.get(sha256) ?? 1) - 1
      if (n <= 0) this.watchers.delete(sha256)
      else this.watchers.set(sha256, n)
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Stops the timers; a later `get` starts them again (React may remount a provider). */
  dispose(): void {
    clearTimeout(this.batchTimer)
    clearTimeout(this.refreshTimer)
    this.batchTimer = undefined
    this.refreshTimer = undefined
    for (const sha256 of this.queued) this.queued.delete(sha256)
  }

  private request(sha256: string): void {
    if (this.inFlight.has(sha256) || this.queued.has(sha256)) return
    this.queued.add(sha256)
    this.batchTimer ??= setTimeout(() => {
      this.batchTimer = undefined
      void this.flush()
    }, BATCH_DELAY_MS)
  }

  private async flush(): Promise<void> {
    const all = [...this.queued]
    this.queued.clear()
    for (let i = 0; i < all.length; i += MAX_BATCH) {
      const batch = all.slice(i, i + MAX_BATCH)
      batch.forEach((s) => this.inFlight.add(s))
      try {
        const res = await this.fetchImpl('/api/assets/sign', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ sha256s: batch, boardId: this.boardId }),
        })
        if (!res.ok) throw new Error(`signing failed (${res.status})`)
        const body = (await res.json()) as TSignAssetsResponse
        for (const [sha256, url] of Object.entries(body.urls)) this.entries.set(sha256, { url, expiresAt: body.expiresAt })
        this.scheduleRefresh(body.expiresAt)
      } catch (e) {
        // A card keeps its last URL (or its placeholder); the next render asks again.
        console.warn('[assets] could not sign media URLs', e)
      } finally {
        batch.forEach((s) => this.inFlight.delete(s))
      }
    }
    this.listeners.forEach((l) => l())
  }

  private scheduleRefresh(expiresAt: number): void {
    clearTimeout(this.refreshTimer)
    const soonest = Math.min(expiresAt, ...[...this.entries.values()].map((e) => e.expiresAt))
    this.refreshTimer = setTimeout(() => {
      for (const sha256 of this.watchers.keys()) this.request(sha256)
    }, Math.max(1_000, soonest - Date.now() - REFRESH_BEFORE_MS))
  }
}
