import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { API_KEY_PATTERN, type TApiKeyInfo, type TApiKeyScope, type TRole } from '@montage/core'
import type { Sql } from './client'

/*
 * Workspace API keys (migration 0012). Only a key's sha256 is stored; the secret is handed to
 * its creator once, by `createApiKey`.
 */

const API_KEY_SELECT = `
  k.id, k.workspace_id, k.name, k.scopes, k.created_at, k.last_used_at, k.revoked_at,
  k.created_by, c.name AS created_by_name`

interface ApiKeyDbRow {
  id: string
  workspace_id: string
  name: string
  scopes: TApiKeyScope[]
  created_at: Date
  last_used_at: Date | null
  revoked_at: Date | null
  created_by: string | null
  created_by_name: string | null
}

function toApiKeyInfo(r: ApiKeyDbRow): TApiKeyInfo {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    scopes: r.scopes,
    prefix: `mtg_${r.id.replace(/-/g, '').slice(0, 8)}`,
    createdBy: { id: r.created_by, name: r.created_by_name ?? 'Former member' },
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  }
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

function hexId(id: string): string {
  return id.replace(/-/g, '')
}

function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export interface CreateApiKeyOptions {
  workspaceId: string
  name: string
  scopes: TApiKeyScope[]
  createdBy: string
}

/** Creates a key and returns it once (`mtg_<id>_<secret>`); only the secret's sha256 is stored. */
export async function createApiKey(sql: Sql, opts: CreateApiKeyOptions): Promise<{ key: TApiKeyInfo; secret: string }> {
  const secret = randomBytes(32).toString('base64url')
  const [row] = await sql<ApiKeyDbRow[]>`
    WITH k AS (
      INSERT INTO api_keys (workspace_id, name, scopes, secret_hash, created_by)
      VALUES (${opts.workspaceId}, ${opts.name}, ${opts.scopes}, ${hashSecret(secret)}, ${opts.createdBy})
      RETURNING *
    )
    SELECT ${sql.unsafe(API_KEY_SELECT)} FROM k LEFT JOIN users c ON c.id = k.created_by`
  return { key: toApiKeyInfo(row!), secret: `mtg_${hexId(row!.id)}_${secret}` }
}

/** A workspace's keys, newest first, revoked ones included (the last 200). */
export async function listApiKeys(sql: Sql, workspaceId: string): Promise<TApiKeyInfo[]> {
  const rows = await sql<ApiKeyDbRow[]>`
    SELECT ${sql.unsafe(API_KEY_SELECT)} FROM api_keys k LEFT JOIN users c ON c.id = k.created_by
    WHERE k.workspace_id = ${workspaceId} ORDER BY k.created_at DESC, k.id LIMIT 200`
  return rows.map(toApiKeyInfo)
}

export async function getApiKey(sql: Sql, keyId: string): Promise<TApiKeyInfo | null> {
  const [row] = await sql<ApiKeyDbRow[]>`
    SELECT ${sql.unsafe(API_KEY_SELECT)} FROM api_keys k LEFT JOIN users c ON c.id = k.created_by WHERE k.id = ${keyId}`
  return row ? toApiKeyInfo(row) : null
}

/** Revokes a key for good (revoking again keeps the first time); it opens nothing from now on. */
export async function revokeApiKey(sql: Sql, opts: { keyId: string; by: string }): Promise<TApiKeyInfo | null> {
  const [row] = await sql<{ id: string }[]>`
    UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, ${opts.by})
    WHERE id = ${opts.keyId} RETURNING id`
  return row ? getApiKey(sql, row.id) : null
}

/** What a presented key resolves to: the key, its creator and the creator's role in the key's workspace now. */
export interface TApiKeyPrincipal {
  key: TApiKeyInfo
  userId: string
  /** Null when the creator is no longer a member: the key then opens nothing. */
  role: TRole | null
}

/**
 * Resolves a presented key: by the id it carries, then its secret's sha256 compared in constant
 * time. Null for a malformed, unknown, revoked or wrong key (the caller says 401 to all alike).
 * Records the use, at most once a minute per key.
 */
export async function authenticateApiKey(sql: Sql, presented: string): Promise<TApiKeyPrincipal | null> {
  const m = API_KEY_PATTERN.exec(presented)
  if (!m) return null
  const [row] = await sql<(ApiKeyDbRow & { secret_hash: string; role: TRole | null })[]>`
    SELECT ${sql.unsafe(API_KEY_SELECT)}, k.secret_hash, m.role
    FROM api_keys k LEFT JOIN users c ON c.id = k.created_by
    LEFT JOIN memberships m ON m.workspace_id = k.workspace_id AND m.user_id = k.created_by
    WHERE k.id = ${uuidOf(m[1]!)}`
  const expected = Buffer.from(row?.secret_hash ?? '0'.repeat(64), 'hex')
  const actual = Buffer.from(hashSecret(m[2]!), 'hex')
  // Compared even for an unknown id, so the answer takes as long whether or not the id exists.
  const matches = timingSafeEqual(expected, actual)
  if (!row || !matches || row.revoked_at || !row.created_by) return null
  await sql`
    UPDATE api_keys SET last_used_at = now()
    WHERE id = ${row.id} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`
  return { key: toApiKeyInfo(row), userId: row.created_by, role: row.role }
}
