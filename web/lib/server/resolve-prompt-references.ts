import { AppError, AppErrorCode, promptTags, type TGenerationReference, type TStartGenerationRequest } from '@montage/core'
import { getAssetView, listLibraryReferences, type Sql, type TAssetViewRow } from '@montage/db'

/** The most tagged references one prompt may carry (what the generation input holds). */
const MAX_PROMPT_REFERENCES = 8

export interface ResolvePromptReferencesOptions {
  workspaceId: string
  prompt: string
  /** The shot's linked reference shapes, with their tags when the client sent them. */
  linked: TStartGenerationRequest['references']
}

/** A model takes stills: a clip stands in with its poster, once ingest has made one. */
function stillOf(asset: TAssetViewRow): { assetSha256: string; mimeType: string } | null {
  if (asset.mimeType.startsWith('image/')) return { assetSha256: asset.sha256, mimeType: asset.mimeType }
  return asset.posterSha256 ? { assetSha256: asset.posterSha256, mimeType: 'image/jpeg' } : null
}

/**
 * Resolves a prompt's `@tags`, in order of first use: a reference shape linked to the shot wins,
 * then the workspace library (its first view). An unknown tag is a 400 on `prompt` naming it.
 */
export async function resolvePromptReferences(sql: Sql, opts: ResolvePromptReferencesOptions): Promise<TGenerationReference[]> {
  const tags = promptTags(opts.prompt)
  if (tags.length === 0) return []
  if (tags.length > MAX_PROMPT_REFERENCES) {
    throw new AppError(AppErrorCode.BAD_REQUEST, `prompt: at most ${MAX_PROMPT_REFERENCES} @tags per prompt; this one has ${tags.length}`, { field: 'prompt' })
  }
  const library = await listLibraryReferences(sql, { workspaceId: opts.workspaceId, tags })
  const out: TGenerationReference[] = []
  for (const tag of tags) {
    const shape = opts.linked.find((r) => r.tag === tag)
    let asset: TAssetViewRow | null = null
    if (shape) {
      asset = await getAssetView(sql, { workspaceId: opts.workspaceId, sha256: shape.assetSha256 })
    } else {
      const view = library.find((r) => r.tag === tag)?.views[0]
      if (view) asset = await getAssetView(sql, { id: view.assetId })
    }
    if (!shape && !asset) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `prompt: @${tag} is not a reference of this shot or of the workspace library`, { field: 'prompt' })
    }
    if (asset?.mimeType.startsWith('audio/')) {
      // Its poster is a waveform: no picture of anything for a model to follow.
      throw new AppError(AppErrorCode.BAD_REQUEST, `prompt: @${tag} is a sound; an @tag in a prompt names a picture or a clip`, { field: 'prompt' })
    }
    const still = asset ? stillOf(asset) : null
    if (!still) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `prompt: @${tag} has no still image yet (its upload is still being processed)`, { field: 'prompt' })
    }
    out.push({ tag, ...still })
  }
  return out
}
