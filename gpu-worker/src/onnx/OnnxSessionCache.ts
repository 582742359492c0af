import * as ort from 'onnxruntime-node'

export type TExecutionProvider = 'cpu' | 'cuda'

export interface TLogger {
  info(message: string, meta?: Record<string, unknown>): void
  warn(message: string, meta?: Record<string, unknown>): void
}

export interface TOnnxSessionCacheOptions {
  executionProvider: TExecutionProvider
  logger: TLogger
  /** Sessions kept; the least recently used one is released past this. */
  maxSessions?: number
  /** Intra-op threads per session; ORT's default (one per core) when absent. */
  intraOpThreads?: number
}

export interface TSessionOptions {
  /**
   * Keep ORT's memory arena and memory pattern: for small elementwise graphs whose runs are mostly
   * first touches of fresh frame-sized buffers. The arena holds its high-water mark (a few float
   * frames) for the session's life. The options must be the same on every call with a key.
   */
  arena?: boolean
}

/**
 * ONNX Runtime sessions by graph key. Creating a session costs far more than running one frame,
 * so each graph shape gets one session, shared by concurrent renders (ORT sessions are safe to
 * run concurrently).
 */
export class OnnxSessionCache {
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>()
  private cudaUnavailable = false

  constructor(private readonly options: TOnnxSessionCacheOptions) {}

  get(key: string, build: () => Uint8Array, options: TSessionOptions = {}): Promise<ort.InferenceSession> {
    const existing = this.sessions.get(key)
    if (existing) {
      // Re-insert to mark it most recently used.
      this.sessions.delete(key)
      this.sessions.set(key, existing)
      return existing
    }
    const created = this.create(build(), options)
    // A failed creation must not poison the key for later attempts.
    created.catch(() => this.sessions.delete(key))
    this.sessions.set(key, created)
    this.evict()
    return created
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()]
    this.sessions.clear()
    await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.release()))
  }

  private async create(model: Uint8Array, options: TSessionOptions): Promise<ort.InferenceSession> {
    const threads = this.options.intraOpThreads ? { intraOpNumThreads: this.options.intraOpThreads } : {}
    // Streaming sessions run frame after frame with every intermediate the size of a frame: ORT's
    // arena keeps its high-water mark for the life of the session and the memory pattern plans all
    // intermediates at once, which at 1080p holds hundreds of MB. Plain allocations are freed as
    // each node's outputs die (measured: peak RSS of a 10 s 1080p restyle, see README). A graph of a
    // few elementwise nodes asks for the arena instead (relight at 720p: ~32 ms a frame → ~7 ms).
    const memory = { enableCpuMemArena: options.arena === true, enableMemPattern: options.arena === true }
    if (this.options.executionProvider === 'cuda' && !this.cudaUnavailable) {
      try {
        return await ort.InferenceSession.create(model, { executionProviders: ['cuda', 'cpu'], ...threads, ...memory })
      } catch (e) {
        this.cudaUnavailable = true
        this.options.logger.warn('CUDA execution provider unavailable, falling back to CPU', {
          error: e instanceof Error ? e.message : String(e),
        })
      }
    }
    return ort.InferenceSession.create(model, { executionProviders: ['cpu'], ...threads, ...memory })
  }

  private evict(): void {
    const max = this.options.maxSessions ?? 8
    while (this.sessions.size > max) {
      const oldest = this.sessions.keys().next().value as string
      // Not released explicitly: a render may still be running it. onnxruntime-node frees the
      // native session when the last reference is collected.
      this.sessions.delete(oldest)
    }
  }
}
