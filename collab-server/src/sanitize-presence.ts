import { createUserId } from '@tldraw/tlschema'
import { boardSchema, parseSharedTextKey, sharedTextFieldLimit } from '@montage/board'
import type { TAwarenessEntry } from './decode-client-message'
import { presenceEntry, type TPresenceEntry } from './presence-states'

export interface TPresenceOwner {
  userId: string
  /** The account's name: what others see on this person's cursor, whatever the client claims. */
  userName: string
}

const COLOR = /^#[0-9a-f]{6}$/i
const FALLBACK_COLOR = '#8b93a7'

/**
 * Rewrites one client's awareness state to what presence may carry: `user` (the
 * account's id and name, the client's colour if it is one) and `presence` (a valid tldraw
 * instance_presence record with this client's id, named for the account), or nothing. Anything
 * else a client puts there (other keys, records of other types, someone else's name) is dropped,
 * so presence can neither plant records in other people's stores nor borrow a member's name.
 * `textCaret` (where the person's caret is in a shared text field) is kept when well formed.
 * Returns the entry to apply: the rewritten state and its JSON text (the only time it is written).
 */
export function sanitizePresence(entry: TAwarenessEntry, owner: TPresenceOwner): TPresenceEntry {
  const parsed: unknown = 'value' in entry ? entry.value : JSON.parse(entry.state)
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return presenceEntry(entry.clientId, entry.clock, null, 'null')
  const { user, presence, textCaret } = parsed as { user?: { color?: unknown }; presence?: unknown; textCaret?: unknown }
  const color = typeof user?.color === 'string' && COLOR.test(user.color) ? user.color : FALLBACK_COLOR
  const caret = validTextCaret(textCaret)
  const state = { user: { id: owner.userId, name: owner.userName, color }, presence: validPresence(presence, entry.clientId, owner), ...(caret ? { textCaret: caret } : {}) }
  return presenceEntry(entry.clientId, entry.clock, state, JSON.stringify(state))
}

/**
 * Where the person's caret is in a shared text field: the field's `texts` key and two Yjs relative
 * positions (an item or the text's own item, and an association), nothing else.
 */
function validTextCaret(caret: unknown): unknown {
  if (typeof caret !== 'object' || caret === null || Array.isArray(caret)) return null
  const { key, anchor, head } = caret as Record<string, unknown>
  if (typeof key !== 'string' || key.length > 300) return null
  const parsed = parseSharedTextKey(key)
  if (!parsed || sharedTextFieldLimit(parsed.field) === null) return null
  const a = validRelativePosition(anchor)
  const h = validRelativePosition(head)
  return a && h ? { key, anchor: a, head: h } : null
}

function validRelativePosition(position: unknown): unknown {
  if (typeof position !== 'object' || position === null || Array.isArray(position)) return null
  const { type, item, assoc } = position as Record<string, unknown>
  const id = (value: unknown) => {
    if (typeof value !== 'object' || value === null) return null
    const { client, clock } = value as Record<string, unknown>
    return Number.isSafeInteger(client) && Number.isSafeInteger(clock) && (client as number) >= 0 && (clock as number) >= 0 ? { client, clock } : null
  }
  const out: Record<string, unknown> = { assoc: assoc === -1 ? -1 : 0 }
  if (item !== undefined && item !== null) {
    const valid = id(item)
    if (!valid) return null
    out.item = valid
  } else if (type !== undefined && type !== null) {
    const valid = id(type)
    if (!valid) return null
    out.type = valid
  } else {
    return null
  }
  return out
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
