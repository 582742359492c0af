import type { TLRecord, TLShape } from '@tldraw/tlschema'
import { serverProps, variationProps, VARIATION_SHAPE, type BoardRecords } from '@montage/board'
import { getLatestReviewStates, type Sql } from '@montage/db'

export interface RestorableRecordsOptions {
  db: Sql
  boardId: string
  /** The checkpoint's records, by id. */
  checkpoint: ReadonlyMap<string, TLRecord>
  /** The board as it is now. */
  current: BoardRecords
}

/** Deeper than any real board's groups; a guard against cycles in stored data. */
const MAX_DEPTH = 64

/**
 * What a checkpoint restore writes: the checkpoint's canvas (layout, briefs, text), with what
 * the server recorded since kept as it is now. A variation still on the board keeps its current
 * results and decision; one deleted since comes back with the decision its audit trail ends on
 * (never an approval that was revoked); an approved variation on the board stays exactly where it
 * is, with the page or groups that hold it and its shot.
 */
export async function restorableRecords({ db, boardId, checkpoint, current }: RestorableRecordsOptions): Promise<Map<string, TLRecord>> {
  const wanted = new Map(checkpoint)
  const goneSince: string[] = []
  for (const [id, record] of wanted) {
    if (!isVariation(record)) continue
    const now = current.get(id)
    if (now && isVariation(now)) wanted.set(id, { ...record, props: { ...variationProps(record), ...serverProps(variationProps(now)) } } as TLRecord)
    else goneSince.push(id)
  }
  const decided = await getLatestReviewStates(db, { boardId, variationIds: goneSince })
  for (const id of goneSince) {
    const record = wanted.get(id) as TLShape
    wanted.set(id, { ...record, props: { ...variationProps(record), reviewState: decided.get(id) ?? 'pending' } } as TLRecord)
  }

  const keepWithAncestors = (id: string) => {
    let next: string | undefined = id
    for (let depth = 0; next && depth < MAX_DEPTH; depth++) {
      const record = current.get(next)
      if (!record) return
      if (wanted.has(next) && next !== id) return
      wanted.set(next, record)
      next = record.typeName === 'shape' ? (record as TLShape).parentId : undefined
    }
  }
  for (const record of current.values()) {
    if (!isVariation(record) || variationProps(record).reviewState !== 'approved') continue
    keepWithAncestors(record.id)
    const shotId = variationProps(record).shotId
    if (shotId && !wanted.has(shotId)) keepWithAncestors(shotId)
  }
  return wanted
}

function isVariation(record: TLRecord): record is TLShape {
  return record.typeName === 'shape' && (record as TLShape).type === VARIATION_SHAPE && typeof (record as TLShape).props === 'object' && (record as TLShape).props !== null
}
