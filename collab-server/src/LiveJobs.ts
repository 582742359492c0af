import type { TJobProgressMessage, TLiveJob, TServerAwarenessState } from '@montage/core'

export interface TLiveJobsOptions {
  /** A job not heard from for this long is dropped (its worker died, or its last report was lost). */
  idleMs: number
  /** The state the server's awareness entry should now hold; null when no job is live. */
  onChange: (state: TServerAwarenessState | null) => void
}

/**
 * The live jobs of one board, by variation id: what the collab-server shows through its own
 * awareness entry. Never stored: the variation's status in the document is the record.
 */
export class LiveJobs {
  private readonly jobs = new Map<string, TLiveJob>()
  private sweepTimer: NodeJS.Timeout | null = null
  private destroyed = false

  constructor(private readonly opts: TLiveJobsOptions) {}

  report(message: TJobProgressMessage): void {
    if (this.destroyed) return
    const current = this.jobs.get(message.variationId)
    if (message.progress >= 1) {
      // Finished: the variation's own update takes over. A report of another generation (a
      // variation whose job was restarted) must not end the one that is running.
      if (current && current.generationId !== message.generationId) return
      if (this.jobs.delete(message.variationId)) this.changed()
      return
    }
    const job: TLiveJob = { generationId: message.generationId, stage: message.stage, progress: message.progress, at: Date.now() }
    const same = current && current.generationId === job.generationId && current.stage === job.stage && current.progress === job.progress
    this.jobs.set(message.variationId, job)
    this.scheduleSweep()
    // A repeated report (a hosted task polled while queued) only renews the job.
    if (!same) this.changed()
  }

  get size(): number {
    return this.jobs.size
  }

  destroy(): void {
    this.destroyed = true
    if (this.sweepTimer) clearTimeout(this.sweepTimer)
    this.sweepTimer = null
    this.jobs.clear()
  }

  private scheduleSweep(): void {
    if (this.sweepTimer || this.destroyed) return
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = null
      this.sweep()
    }, this.opts.idleMs)
    this.sweepTimer.unref()
  }

  private sweep(): void {
    const cutoff = Date.now() - this.opts.idleMs
    let removed = false
    for (const [variationId, job] of this.jobs) {
      if (job.at <= cutoff) removed = this.jobs.delete(variationId) || removed
    }
    if (removed) this.changed()
    if (this.jobs.size > 0) this.scheduleSweep()
  }

  private changed(): void {
    this.opts.onChange(this.jobs.size > 0 ? { jobs: Object.fromEntries(this.jobs) } : null)
  }
}
