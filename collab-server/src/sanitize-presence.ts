import { createUserId } from '@tldraw/tlschema'
import { boardSchema } from '@montage/board'
import type { TAwarenessEntry } from './decode-client-message'

export interface TPresenceOwner {
  userId: string
  /** The account's name: what others see on this person's cursor, whatever the client claims. */
  userName: string
}

const COLOR = /^#[0-9a-f]{6}$/i
const FALLBACK_COLOR = '#8b93a7'

/**
 * Rewrites one client's awareness state (JSON text) to what presence may carry: `user` (the
 * account's id and name, the client's colour if it is one) and `presence` (a valid tldraw
 * instance_presence record with this client's id, named for the account), or nothing. Anything
 * else a client puts there (other keys, records of other types, someone else's name) is dropped,
 * so presence can neither plant records in other people's stores nor borrow a member's name.
 */
export function sanitizePresence(entry: TAwarenessEntry, owner: TPresenceOwner): string {
  const parsed: unknown = JSON.parse(entry.state)
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'null'
  const { user, presence } = parsed as { user?: { color?: unknown }; presence?: unknown }
  const color = typeof user?.color === 'string' && COLOR.test(user.color) ? user.color : FALLBACK_COLOR
  return JSON.stringify({ user: { id: owner.userId, name: owner.userName, color }, presence: validPresence(presence, entry.clientId, owner) })
}

function validPresence(presence: unknown, clientId: number, owner: TPresenceOwner): unknown {
  if (typeof presence !== 'object' || presence === null || Array.isArray(presence)) return null
  // tldraw names people by user record id (`user:<account id>`).
  const record: Record<string, unknown> = { ...(presence as Record<string, unknown>), userId: createUserId(owner.userId), userName: owner.userName }
  if (record.typeName !== 'instance_presence' || record.id !== `instance_presence:${clientId}`) return null
  try {
    return boardSchema().types.instance_presence.validate(record)
  } catch {
    return null
  }
}
