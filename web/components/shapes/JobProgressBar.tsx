'use client'

import type { TLiveJob } from '@montage/core'
import { useLiveJob } from '@/components/board-context/LiveJobs'
import styles from './JobProgressBar.module.css'

const STAGE_LABEL: Record<TLiveJob['stage'], string> = {
  queued: 'Queued',
  rendering: 'Rendering',
  encoding: 'Encoding',
  storing: 'Storing',
}

export interface TJobProgressView {
  label: string
  /** Whole percent, or null while no number is known (the bar then sweeps). */
  percent: number | null
}

/** What the bar says for a variation's status and its live job (absent until the server reports one). */
export function jobProgressView(status: string, job: TLiveJob | undefined): TJobProgressView {
  if (!job) return { label: status === 'running' ? 'Starting' : 'Queued', percent: null }
  // A job that reported no progress yet would read as a stuck 0 %.
  if (job.stage === 'queued' || job.progress <= 0) return { label: STAGE_LABEL[job.stage], percent: null }
  return { label: STAGE_LABEL[job.stage], percent: Math.min(99, Math.floor(job.progress * 100)) }
}

/** The live progress of a queued or running variation, as every person on the board sees it. */
export function JobProgressBar({ variationId, status }: { variationId: string; status: string }) {
  const job = useLiveJob(variationId)
  if (status !== 'queued' && status !== 'running') return null
  const { label, percent } = jobProgressView(status, job)
  return (
    <div
      className={styles.bar}
      data-testid="job-progress"
      data-stage={job?.stage ?? status}
      data-percent={percent ?? undefined}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={percent === null ? label : `${label} ${percent}%`}
    >
      <div className={styles.label}>
        <span data-testid="job-progress-label">
          {label}
          {percent !== null && <span className={styles.percent}> {percent}%</span>}
        </span>
      </div>
      <div className={styles.track}>{percent === null ? <span className={styles.shimmer} /> : <span className={styles.fill} style={{ width: `${percent}%` }} />}</div>
    </div>
  )
}
