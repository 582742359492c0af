import * as Y from 'yjs'
import type { TReviewLinkScope, TReviewScopeView } from '@montage/core'
import { defaultVariationProps, getRecords, REVIEW_STATES, type TVariationProps } from '@montage/board'
import { ZGenerationStatus } from '@montage/core'
import { loadBoardUpdates, type Sql } from '@montage/db'

export interface StoredBoardScope {
  shots: TReviewScopeView['shots']
  /** Variation ids in scope. */
  variationIds: Set<string>
  /** Every asset a guest of this scope may fetch: the variations' outputs, web proxies and posters. */
  assetShas: Set<string>
  /** Clip lengths as the board shows them, by variation id. */
  durations: Map<string, number>
}

/**
 * The shots (and sequences, whose renders are their versions) and variations a review link shows, read from the stored board document (what the
 * collab-server has persisted), so a guest never touches the live socket.
 */
export async function storedBoardScope(sql: Sql, opts: { boardId: string; scope: TReviewLinkScope; shotId: string | null }): Promise<StoredBoardScope> {
  const doc = new Y.Doc()
  const updates = await loadBoardUpdates(sql, opts.boardId)
  if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates))
  const records = usableShapes(doc)
  doc.destroy()
  const shotShapes = records
    // A sequence's renders are its versions, reviewed like a shot's variations.
    .filter((r) => (r.type === 'shot' || r.type === 'sequence') && (opts.scope === 'board' || r.id === opts.shotId))
    .sort((a, b) => a.y - b.y || a.x - b.x)
  const variationIds = new Set<string>()
  const assetShas = new Set<string>()
  const durations = new Map<string, number>()
  const shots = shotShapes.map((shot) => {
    const ofShot = records.filter((r) => r.type === 'variation' && r.props.shotId === shot.id)
    const versionOf = new Map(ofShot.map((r) => [r.id, variationFields(r.props).version]))
    const variations = ofShot
      // In version order (unnumbered ones last, left to right), as the board's version strip lists them.
      .sort((a, b) => (versionOf.get(a.id) || Number.MAX_SAFE_INTEGER) - (versionOf.get(b.id) || Number.MAX_SAFE_INTEGER) || a.x - b.x)
      .map((r) => {
        const p = variationFields(r.props)
        variationIds.add(r.id)
        durations.set(r.id, p.durationSeconds)
        if (p.assetSha256) assetShas.add(p.assetSha256)
        if (p.posterSha256) assetShas.add(p.posterSha256)
        // What the guest's viewer plays of a clip larger than 720p.
        if (p.proxySha256) assetShas.add(p.proxySha256)
        return {
          id: r.id,
          status: p.status,
          assetSha256: p.assetSha256,
          proxySha256: p.proxySha256,
          posterSha256: p.posterSha256,
          mimeType: p.mimeType,
          durationSeconds: p.durationSeconds,
          reviewState: p.reviewState,
          model: p.model,
          version: p.version,
          parentVersion: (p.parentVariationId && versionOf.get(p.parentVariationId)) || 0,
        }
      })
    return { id: shot.id, prompt: text(shot.props.prompt), title: text(shot.props.title), variations }
  })
  return { shots, variationIds, assetShas, durations }
}

interface TStoredShape {
  id: string
  typeName: 'shape'
  type: string
  x: number
  y: number
  props: Record<string, unknown>
}

/**
 * The shapes of a stored board a reader can use: objects with an id, a type and props. Anything
 * else (stored before the collab-server checked updates) is skipped, never thrown on; the fields
 * read below are checked one by one, so a record with an odd field still shows what it can.
 */
function usableShapes(doc: Y.Doc): TStoredShape[] {
  const out: TStoredShape[] = []
  for (const [id, { val }] of getRecords(doc).map) {
    const r = val as unknown as Partial<TStoredShape>
    if (r.typeName !== 'shape' || typeof r.type !== 'string' || typeof r.props !== 'object' || r.props === null) continue
    out.push({ id, typeName: 'shape', type: r.type, x: Number.isFinite(r.x) ? r.x! : 0, y: Number.isFinite(r.y) ? r.y! : 0, props: r.props })
  }
  return out
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '')

/** A variation's props as a guest is shown them: missing or mistyped fields read as their defaults. */
function variationFields(props: Record<string, unknown>): TVariationProps {
  const d = defaultVariationProps()
  const status = ZGenerationStatus.safeParse(props.status)
  return {
    ...d,
    shotId: text(props.shotId),
    status: status.success ? status.data : d.status,
    assetSha256: text(props.assetSha256),
    posterSha256: text(props.posterSha256),
    proxySha256: text(props.proxySha256),
    mimeType: text(props.mimeType),
    durationSeconds: typeof props.durationSeconds === 'number' && Number.isFinite(props.durationSeconds) ? props.durationSeconds : 0,
    model: text(props.model),
    parentVariationId: text(props.parentVariationId),
    version: typeof props.version === 'number' && Number.isInteger(props.version) && props.version > 0 ? props.version : 0,
    reviewState: (REVIEW_STATES as readonly unknown[]).includes(props.reviewState) ? (props.reviewState as TVariationProps['reviewState']) : d.reviewState,
  }
}
