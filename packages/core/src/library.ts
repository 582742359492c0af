import { z } from 'zod'
import { ZSha256, ZShapeId } from './generation'

/*
 * Contracts of issue 6: uploads, asset ingest, signed asset URLs, the workspace reference library
 * and @tags in prompts. Routes (all JSON unless said otherwise):
 *
 * - `POST /api/uploads?boardId=<uuid>[&shapeId=shape:…]`, raw bytes as the body → 201 TUploadResponse.
 *   `shapeId` names the board shape that will show the upload (a reference shape, `tag` empty for
 *   plain media); the ingest workflow patches it, and every other reference shape on the board
 *   showing the same sha256, when renditions are ready (board command `reference.upsert`).
 * - `GET /api/assets/by-id/<assetId>` → { asset: TAssetView } (members of the asset's workspace).
 * - `GET /api/assets/lookup?boardId=<uuid>&sha256=<hex>` → { asset: TAssetView }: the asset behind a
 *   shape's sha256 (members of the board's workspace; 404 when the workspace has no such asset).
 * - `POST /api/assets/sign` TSignAssetsRequest → TSignAssetsResponse; each URL is
 *   `/api/media/<sha256>?w=<workspaceId>&e=<expiry unix s>&s=<hmac>` with HTTP Range support.
 * - `GET /api/workspaces/<workspaceId>/references?cursor=&limit=` → a page of TLibraryReference (ZReferencePage, api-lists.ts)
 * - `POST /api/workspaces/<workspaceId>/references` TCreateReferenceRequest → 201 { reference: TLibraryReference }
 *   (409 field `tag` when the tag is taken in the workspace).
 * - `POST /api/references/<referenceId>/views` TAddReferenceViewRequest → 201 { reference: TLibraryReference }
 * - `POST /api/references/promote` TPromoteReferenceRequest → 201 { reference: TLibraryReference }
 */

/** Upload limits, checked before anything is stored. */
export const UPLOAD_LIMITS = {
  imageBytes: 25 * 1024 * 1024,
  videoBytes: 500 * 1024 * 1024,
  /** Largest side of an uploaded still, read from its header before any pixel is decoded. */
  imageMaxSide: 8192,
  /** Largest pixel count of an uploaded still: what refuses a decompression bomb. */
  imageMaxPixels: 40_000_000,
  videoMaxSide: 4096,
  videoMaxSeconds: 60,
  /** A sound (WAV, MP3, AAC, M4A): a 10-minute track at 320 kb/s is 24 MB; a WAV of that length is about 100 MB. */
  audioBytes: 100 * 1024 * 1024,
  /** Measured from the packets, like a clip's: a spot's music bed or voice-over is minutes, not hours. */
  audioMaxSeconds: 600,
} as const

export const UPLOAD_IMAGE_MIME_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const
export const UPLOAD_VIDEO_MIME_TYPES = ['video/mp4', 'video/quicktime', 'video/webm'] as const
/** WAV, MP3, AAC in ADTS frames, and AAC (or ALAC) in an M4A. */
export const UPLOAD_AUDIO_MIME_TYPES = ['audio/wav', 'audio/mpeg', 'audio/aac', 'audio/mp4'] as const
export const ZUploadMimeType = z.enum([...UPLOAD_IMAGE_MIME_TYPES, ...UPLOAD_VIDEO_MIME_TYPES, ...UPLOAD_AUDIO_MIME_TYPES])
export type TUploadMimeType = z.infer<typeof ZUploadMimeType>

/** Where the renditions of an asset stand: `ready` for stills without work and for generated outputs. */
export const ZAssetIngestState = z.enum(['pending', 'ready', 'failed'])
export type TAssetIngestState = z.infer<typeof ZAssetIngestState>

/** An asset as the API shows it (the upload answer, `GET /api/assets/by-id/:assetId`). */
export const ZAssetView = z.object({
  id: z.string().uuid(),
  sha256: ZSha256,
  mimeType: z.string(),
  byteSize: z.number().int().positive(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  ingest: ZAssetIngestState,
  /** A JPEG still: the first frame of a clip, the still itself scaled down, or a sound's waveform. */
  posterSha256: ZSha256.nullable(),
  /** One JPEG of `stripFrames` frames side by side, each STRIP_FRAME_WIDTH px wide. */
  stripSha256: ZSha256.nullable(),
  stripFrames: z.number().int().positive().nullable(),
  /** H.264 yuv420p mp4, +faststart, at most 720p: what the board plays. Videos only. */
  proxySha256: ZSha256.nullable(),
  /** Why ingest failed, when it did. */
  ingestError: z.string().nullable(),
})
export type TAssetView = z.infer<typeof ZAssetView>

export const ZUploadResponse = z.object({ asset: ZAssetView, deduplicated: z.boolean() })
export type TUploadResponse = z.infer<typeof ZUploadResponse>

export const ZUploadQuery = z.object({ boardId: z.string().uuid(), shapeId: ZShapeId.optional() })
export type TUploadQuery = z.infer<typeof ZUploadQuery>

export const ZAssetLookupQuery = z.object({ boardId: z.string().uuid(), sha256: ZSha256 })

/** Each frame of a thumbnail strip is this wide; hover-scrub shows frame floor(x / width × stripFrames). */
export const STRIP_FRAME_WIDTH = 160
/** Frames in a clip's strip (fewer for clips shorter than that many frames). */
export const STRIP_FRAMES = 10

export const ZSignAssetsRequest = z
  .object({
    sha256s: z.array(ZSha256).min(1).max(100),
    boardId: z.string().uuid(),
  })
  .strict()
export type TSignAssetsRequest = z.infer<typeof ZSignAssetsRequest>

export interface TSignAssetsResponse {
  /** sha256 → a URL serving that one asset until `expiresAt`. */
  urls: Record<string, string>
  /** Unix milliseconds. */
  expiresAt: number
}

/** How long a signed asset URL lives. Clients refresh a minute before. */
export const SIGNED_URL_TTL_SECONDS = 600

/** `@hero`: starts with a letter, then letters, digits or _, 2–32 characters in all. */
export const ZReferenceTag = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'must be 2–32 lowercase letters, digits or _, starting with a letter')
export const LIBRARY_REFERENCE_KINDS = ['character', 'product', 'location', 'style'] as const
export const ZLibraryReferenceKind = z.enum(LIBRARY_REFERENCE_KINDS)
export type TLibraryReferenceKind = z.infer<typeof ZLibraryReferenceKind>

export const ZReferenceView = z.object({
  assetId: z.string().uuid(),
  sha256: ZSha256,
  posterSha256: ZSha256.nullable(),
  mimeType: z.string(),
})
export type TReferenceView = z.infer<typeof ZReferenceView>

export const ZLibraryReference = z.object({
  id: z.string().uuid(),
  tag: z.string(),
  kind: ZLibraryReferenceKind,
  name: z.string(),
  views: z.array(ZReferenceView),
})
export type TLibraryReference = z.infer<typeof ZLibraryReference>


export const ZCreateReferenceRequest = z
  .object({
    tag: ZReferenceTag,
    kind: ZLibraryReferenceKind,
    name: z.string().trim().max(80).optional(),
    assetIds: z.array(z.string().uuid()).min(1).max(3),
  })
  .strict()
export type TCreateReferenceRequest = z.infer<typeof ZCreateReferenceRequest>

export const ZAddReferenceViewRequest = z.object({ assetId: z.string().uuid() }).strict()
export type TAddReferenceViewRequest = z.infer<typeof ZAddReferenceViewRequest>

/** A generated variation (its poster, or its still when it is an image) becomes a reference. */
export const ZPromoteReferenceRequest = z
  .object({
    boardId: z.string().uuid(),
    variationId: ZShapeId,
    tag: ZReferenceTag,
    kind: ZLibraryReferenceKind,
    name: z.string().trim().max(80).optional(),
  })
  .strict()
export type TPromoteReferenceRequest = z.infer<typeof ZPromoteReferenceRequest>

/** The most views a library reference holds. */
export const MAX_REFERENCE_VIEWS = 3

/** The distinct `@tags` of a prompt, in order of first use (`@hero walks to @bottle` → hero, bottle). */
export function promptTags(prompt: string): string[] {
  const seen = new Set<string>()
  // Not after a word character or a dot (an e-mail address), nor cut short by a `-` (`@hero-wide`,
  // a board tag from before library tags, is not `@hero`).
  for (const m of prompt.matchAll(/(?<![A-Za-z0-9_.@])@([a-z][a-z0-9_]{1,31})(?![a-z0-9_-])/g)) seen.add(m[1]!)
  return [...seen]
}

/** Input of the gpu-worker's `ingestAsset` activity; idempotent by `assetId`. */
export interface TIngestAssetInput {
  assetId: string
  workspaceId: string
  sha256: string
  mimeType: string
}

/** What ingest made: the probe's facts and the renditions' hashes (already in the asset store). */
export interface TIngestAssetOutput {
  /** Null for a sound (its poster is a waveform picture, not a frame of it). */
  width: number | null
  height: number | null
  durationMs: number | null
  /** Null only for a sound whose waveform could not be drawn (the sound itself is fine). */
  posterSha256: string | null
  posterByteSize: number | null
  stripSha256: string | null
  stripByteSize: number | null
  stripFrames: number | null
  proxySha256: string | null
  proxyByteSize: number | null
}

/** Arguments of `ingestAssetWorkflow` (workflow id `ingest/<assetId>`). */
export interface TIngestAssetWorkflowArgs {
  assetId: string
  workspaceId: string
  sha256: string
  mimeType: string
  /** The board to tell when renditions are ready, and the shape that shows the upload there. */
  boardId: string
  shapeId?: string
  gpuTaskQueue: string
}

export function ingestWorkflowId(assetId: string): string {
  return `ingest/${assetId}`
}
