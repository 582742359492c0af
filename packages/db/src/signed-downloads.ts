import type { Sql } from './client'

export interface TSignedDownload {
  signedSha256: string
  byteSize: number
}

/** The signed copy of `sourceSha256` made for the manifest `manifestKey`, if one was kept. */
export async function findSignedDownload(sql: Sql, opts: { workspaceId: string; sourceSha256: string; manifestKey: string }): Promise<TSignedDownload | null> {
  const [row] = await sql<{ signed_sha256: string; byte_size: string }[]>`
    SELECT signed_sha256, byte_size FROM signed_downloads
    WHERE workspace_id = ${opts.workspaceId} AND source_sha256 = ${opts.sourceSha256} AND manifest_key = ${opts.manifestKey}`
  return row ? { signedSha256: row.signed_sha256, byteSize: Number(row.byte_size) } : null
}

/** Records a signed copy; when two requests signed at once, the first one kept wins and is returned. */
export async function recordSignedDownload(
  sql: Sql,
  opts: { workspaceId: string; sourceSha256: string; manifestKey: string; signedSha256: string; byteSize: number },
): Promise<TSignedDownload> {
  await sql`
    INSERT INTO signed_downloads (workspace_id, source_sha256, manifest_key, signed_sha256, byte_size)
    VALUES (${opts.workspaceId}, ${opts.sourceSha256}, ${opts.manifestKey}, ${opts.signedSha256}, ${opts.byteSize})
    ON CONFLICT DO NOTHING`
  return (await findSignedDownload(sql, opts))!
}
