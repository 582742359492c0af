import { AppError, AppErrorCode, type TSequenceTimeline } from '@montage/core'
import { SEQUENCE_SHAPE, timelineFromBoard, VARIATION_SHAPE, type TVariationProps } from '@montage/board'
import type { Sql } from '@montage/db'
import { storedBoardRecords } from '../stored-board-records'

/** A finished render of the sequence: a variation whose `shotId` is the sequence. */
export interface TStoredRender {
  variationId: string
  generationId: string
  sha256: string
  mimeType: string
  index: string
}

export interface TStoredSequence {
  timeline: TSequenceTimeline
  /** Clips whose variation is not approved now, in words ("clip 2 (Keeper)"). */
  unapproved: string[]
  /** Each clip variation's review state is approved, by variation id. */
  approved: Map<string, boolean>
  /** The prompt each variation card shows (the manifest's fallback when its generation row has none). */
  prompts: Map<string, string>
  /** Succeeded renders of the sequence, in board order. */
  renders: TStoredRender[]
}

/**
 * A sequence as the board's stored document holds it (what the collab-server persisted), read
 * into the timeline every exporter uses. Refuses with the timeline's own problems, in words.
 */
export async function loadStoredSequence(sql: Sql, opts: { boardId: string; sequenceId: string }): Promise<TStoredSequence> {
  const records = await storedBoardRecords(sql, opts.boardId)
  if (!records.some((r) => r.id === opts.sequenceId && r.typeName === 'shape' && r.type === SEQUENCE_SHAPE)) throw new AppError(AppErrorCode.NOT_FOUND, 'This sequence is not on the board.')
  const read = timelineFromBoard(records, opts.sequenceId, opts.boardId)
  if (!read.ok) throw new AppError(AppErrorCode.CONFLICT, read.problems.join(' '))
  if (read.problems.length) throw new AppError(AppErrorCode.CONFLICT, `This sequence cannot be exported yet: ${read.problems.join(' ')}`)

  const variations = new Map<string, TVariationProps & { index: string }>()
  for (const r of records) if (r.typeName === 'shape' && r.type === VARIATION_SHAPE) variations.set(r.id, { ...(r.props as TVariationProps), index: r.index })
  const approved = new Map<string, boolean>()
  const prompts = new Map<string, string>()
  const unapproved: string[] = []
  read.timeline.clips.forEach((clip, i) => {
    const v = variations.get(clip.variationId)
    const ok = v?.reviewState === 'approved'
    approved.set(clip.variationId, ok)
    if (v?.prompt) prompts.set(clip.variationId, v.prompt)
    if (!ok) unapproved.push(`clip ${i + 1}${clip.label ? ` (${clip.label})` : ''}`)
  })
  const renders: TStoredRender[] = [...variations.entries()]
    .filter(([, v]) => v.shotId === opts.sequenceId && v.status === 'succeeded' && v.assetSha256)
    .map(([id, v]) => ({ variationId: id, generationId: v.generationId, sha256: v.assetSha256, mimeType: v.mimeType || 'video/mp4', index: v.index }))
    .sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0))
  return { timeline: read.timeline, unapproved, approved, prompts, renders }
}

/** The words of a refusal to deliver a sequence that holds clips nobody approved. */
export function unapprovedMessage(sequence: TStoredSequence, what: string): string {
  const names = sequence.unapproved
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
  return `${what} holds approved clips only: ${list} ${names.length === 1 ? 'is' : 'are'} not approved. Approve ${names.length === 1 ? 'it' : 'them'} or take ${names.length === 1 ? 'it' : 'them'} out of the sequence.`
}
