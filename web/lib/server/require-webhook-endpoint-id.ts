import { z } from 'zod'
import { AppError, AppErrorCode } from '@montage/core'

const ZId = z.string().uuid()

/** An endpoint or delivery id from the path; anything but a uuid names nothing here. */
export function parseWebhookPathId(raw: string, what: 'webhook endpoint' | 'webhook delivery'): string {
  const parsed = ZId.safeParse(raw)
  if (!parsed.success) throw new AppError(AppErrorCode.NOT_FOUND, `No such ${what}.`)
  return parsed.data
}
