import { z } from 'zod'
import { framesToSeconds, layoutTimeline, type TSequenceTimeline } from '@montage/core'
import type { TDeliveryMediaPaths } from './media-paths'

/*
 * `manifest.json` at the root of a delivery package: what a producer, an editor or a client's
 * lawyer reads to know what is in the zip and how it was made. Plain JSON, times in frames and
 * seconds, people by name and role, decisions with their time.
 */

const ZApproval = z.object({
  decision: z.enum(['approved', 'changes_requested']),
  by: z.object({ name: z.string(), role: z.string().nullable() }),
  at: z.string(),
  note: z.string().nullable(),
})
export type TManifestApproval = z.infer<typeof ZApproval>

const ZProvenance = z.object({
  generationId: z.string(),
  model: z.string().nullable(),
  prompt: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  /** The seed when the model took one (the params' `seed`); null otherwise. */
  seed: z.union([z.number(), z.string()]).nullable(),
  references: z.array(z.object({ tag: z.string().nullable(), sha256: z.string(), shapeId: z.string().nullable() })),
  credits: z.number().nullable(),
  createdAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
})

export const ZDeliveryManifest = z.object({
  format: z.literal('montage.delivery/1'),
  createdAt: z.string(),
  sequence: z.object({
    id: z.string(),
    boardId: z.string(),
    title: z.string(),
    fps: z.number(),
    width: z.number(),
    height: z.number(),
    aspectRatio: z.string(),
    fit: z.string(),
    markedForDelivery: z.boolean(),
    totalFrames: z.number(),
    durationSeconds: z.number(),
  }),
  render: z.object({ file: z.string(), sha256: z.string(), variationId: z.string(), provenance: ZProvenance.nullable(), approvals: z.array(ZApproval) }),
  handoff: z.object({ otio: z.string(), fcpxml: z.string(), edl: z.string() }),
  clips: z.array(
    z.object({
      position: z.number(),
      clipId: z.string(),
      shot: z.object({ id: z.string().nullable(), title: z.string() }),
      variationId: z.string(),
      file: z.string(),
      sha256: z.string(),
      source: z.object({ inFrame: z.number(), outFrame: z.number() }),
      record: z.object({ inFrame: z.number(), outFrame: z.number() }),
      transition: z.object({ kind: z.string(), frames: z.number() }),
      approved: z.boolean(),
      approvals: z.array(ZApproval),
      provenance: ZProvenance.nullable(),
    }),
  ),
  audio: z.array(z.object({ track: z.string(), name: z.string(), file: z.string(), sha256: z.string(), startFrame: z.number(), inFrame: z.number(), outFrame: z.number(), gainDb: z.number(), muted: z.boolean() })),
  costs: z.object({ clipsCredits: z.number(), renderCredits: z.number(), totalCredits: z.number(), unit: z.literal('credits') }),
})
export type TDeliveryManifest = z.infer<typeof ZDeliveryManifest>
export type TManifestProvenance = z.infer<typeof ZProvenance>

/** What the database knows of one generation, as the manifest shows it. */
export interface TManifestGeneration {
  id: string
  shotId: string
  model: string
  params: Record<string, unknown>
  credits: number
  /** The start request as stored (its prompt and references), when the row has one. */
  request: unknown
  createdAt: Date
  finishedAt: Date | null
}

export interface BuildDeliveryManifestOptions {
  timeline: TSequenceTimeline
  media: TDeliveryMediaPaths
  render: { file: string; sha256: string; variationId: string; generationId: string | null }
  handoff: TDeliveryManifest['handoff']
  /** Generations by id (the clips' and the render's). */
  generations: ReadonlyMap<string, TManifestGeneration>
  /** Each variation's decisions, oldest first. */
  decisions: ReadonlyMap<string, TManifestApproval[]>
  /** Whether each clip's variation is approved now (the board's review state), by variation id. */
  approved: ReadonlyMap<string, boolean>
  /** A prompt the board shows on the variation when its generation row has no stored request. */
  prompts?: ReadonlyMap<string, string>
  now?: Date
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

function provenanceOf(generation: TManifestGeneration | undefined, boardPrompt: string | undefined): TManifestProvenance | null {
  if (!generation) return null
  const request = (generation.request ?? {}) as { prompt?: unknown; references?: unknown }
  const refs = Array.isArray(request.references) ? (request.references as { tag?: unknown; assetSha256?: unknown; shapeId?: unknown }[]) : []
  const seed = generation.params.seed
  return {
    generationId: generation.id,
    model: generation.model,
    prompt: typeof request.prompt === 'string' ? request.prompt : (boardPrompt ?? null),
    params: generation.params,
    seed: typeof seed === 'number' || typeof seed === 'string' ? seed : null,
    references: refs
      .filter((r) => typeof r.assetSha256 === 'string')
      .map((r) => ({ tag: typeof r.tag === 'string' ? r.tag : null, sha256: r.assetSha256 as string, shapeId: typeof r.shapeId === 'string' ? r.shapeId : null })),
    credits: generation.credits,
    createdAt: iso(generation.createdAt),
    finishedAt: iso(generation.finishedAt),
  }
}

/** The package's `manifest.json`, from the timeline and what the database recorded of each clip. */
export function buildDeliveryManifest(opts: BuildDeliveryManifestOptions): TDeliveryManifest {
  const { timeline, media } = opts
  const layout = layoutTimeline(timeline)
  const clips = timeline.clips.map((clip, i) => {
    const generation = opts.generations.get(clip.generationId)
    return {
      position: i + 1,
      clipId: clip.clipId,
      shot: { id: generation?.shotId ?? null, title: clip.label },
      variationId: clip.variationId,
      file: media.clip(clip),
      sha256: clip.assetSha256,
      source: { inFrame: clip.inFrame, outFrame: clip.outFrame },
      record: { inFrame: layout.clips[i]!.recordIn, outFrame: layout.clips[i]!.recordOut },
      transition: { kind: clip.transition, frames: clip.transition === 'crossfade' ? clip.transitionFrames : 0 },
      approved: opts.approved.get(clip.variationId) ?? false,
      approvals: opts.decisions.get(clip.variationId) ?? [],
      provenance: provenanceOf(generation, opts.prompts?.get(clip.variationId)),
    }
  })
  const renderGeneration = opts.render.generationId ? opts.generations.get(opts.render.generationId) : undefined
  // A variation used twice was generated (and paid for) once.
  const clipsCredits = [...new Set(timeline.clips.map((c) => c.generationId))].reduce((sum, id) => sum + (opts.generations.get(id)?.credits ?? 0), 0)
  const renderCredits = renderGeneration?.credits ?? 0
  const manifest: TDeliveryManifest = {
    format: 'montage.delivery/1',
    createdAt: (opts.now ?? new Date()).toISOString(),
    sequence: {
      id: timeline.sequenceId,
      boardId: timeline.boardId,
      title: timeline.title,
      fps: timeline.fps,
      width: timeline.width,
      height: timeline.height,
      aspectRatio: timeline.aspectRatio,
      fit: timeline.fit,
      markedForDelivery: timeline.delivery,
      totalFrames: layout.totalFrames,
      durationSeconds: framesToSeconds(layout.totalFrames, timeline.fps),
    },
    render: {
      file: opts.render.file,
      sha256: opts.render.sha256,
      variationId: opts.render.variationId,
      provenance: provenanceOf(renderGeneration, undefined),
      approvals: opts.decisions.get(opts.render.variationId) ?? [],
    },
    handoff: opts.handoff,
    clips,
    audio: timeline.audioTracks.flatMap((track) =>
      track.items.map((item) => ({ track: track.name, name: item.name, file: media.audio(item), sha256: item.assetSha256, startFrame: item.startFrame, inFrame: item.inFrame, outFrame: item.outFrame, gainDb: item.gainDb + track.gainDb, muted: track.muted })),
    ),
    costs: { clipsCredits, renderCredits, totalCredits: clipsCredits + renderCredits, unit: 'credits' },
  }
  return ZDeliveryManifest.parse(manifest)
}
