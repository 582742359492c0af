import { listEmailRecipients, type Sql } from '@montage/db'
import { webEnv } from './env'
import { logger } from './logger'
import { sendMail } from './smtp'

export interface TEmailNotice {
  workspaceId: string
  /** `mention` reaches people who chose "mentions only" too; the rest only those who chose "all". */
  kind: 'mention' | 'comment' | 'decision'
  recipients: string[]
  subject: string
  /** The text above the link. */
  text: string
  /** A path under the app, e.g. `/boards/<id>?focus=…`. */
  path: string
}

/**
 * Emails a notification to each recipient whose preference takes it, when SMTP_URL is set. The
 * change it reports is already stored, so nothing here throws: failures are logged per recipient.
 * Returns when every send has been tried.
 */
export async function emailNotice(sql: Sql, notice: TEmailNotice): Promise<void> {
  const env = webEnv()
  if (!env.SMTP_URL || notice.recipients.length === 0) return
  try {
    const people = await listEmailRecipients(sql, { workspaceId: notice.workspaceId, userIds: notice.recipients })
    const link = new URL(notice.path, env.APP_PUBLIC_URL).toString()
    for (const person of people) {
      if (person.preference === 'off' || (person.preference === 'mentions' && notice.kind !== 'mention')) continue
      try {
        await sendMail(env.SMTP_URL, {
          from: env.SMTP_FROM,
          to: person.email,
          subject: notice.subject,
          text: `Hi ${person.name},\n\n${notice.text}\n\nOpen it in Montage: ${link}\n\nYou get these emails for ${person.preference === 'all' ? 'all notifications' : 'mentions'}; change that on your account page.\n`,
        })
      } catch (e) {
        logger().warn({ err: e, userId: person.id, kind: notice.kind }, 'could not email a notification')
      }
    }
  } catch (e) {
    logger().warn({ err: e, kind: notice.kind }, 'could not email notifications')
  }
}

/** The in-app path that opens a board at a variation, in the viewer at a thread and time when given. */
export function noticePath(opts: { boardId: string; shapeId: string; threadId?: string | null; timeSeconds?: number | null }): string {
  const q = new URLSearchParams({ focus: opts.shapeId })
  if (opts.threadId) q.set('thread', opts.threadId)
  if (opts.timeSeconds !== null && opts.timeSeconds !== undefined) q.set('t', String(opts.timeSeconds))
  return `/boards/${opts.boardId}?${q.toString()}`
}
