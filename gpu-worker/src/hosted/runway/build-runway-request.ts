import { AppError, AppErrorCode, RUNWAY_MODELS, type TRunwayEndpoint, type TRunwayModelId } from '@montage/core'

/** A reference sent to Runway: a data URI of the stored bytes (no public URL of ours is needed). */
export interface TRunwayInputAsset {
  uri: string
  kind: 'image' | 'video'
  /** The prompt's `@tag` naming this image (a resolved reference). */
  tag?: string
}

/** Runway's rule for a reference image's tag: 3–16 letters, digits or _, starting with a letter. */
export const RUNWAY_TAG = /^[A-Za-z][A-Za-z0-9_]{2,15}$/

export interface TRunwayRequest {
  endpoint: TRunwayEndpoint
  body: Record<string, unknown>
}

const VIDEO_RATIO = { '16:9': '1280:720', '9:16': '720:1280', '1:1': '960:960' } as const
const IMAGE_RATIO = {
  '720p': { '16:9': '1280:720', '9:16': '720:1280', '1:1': '720:720' },
  '1080p': { '16:9': '1920:1080', '9:16': '1080:1920', '1:1': '1080:1080' },
} as const

type TRatio = keyof typeof VIDEO_RATIO

/** Params as parsed by the model's schema (every Runway schema has a duration and most a ratio). */
export interface TParsedRunwayParams {
  duration: number
  aspectRatio?: TRatio
  resolution?: '720p' | '1080p'
  seed?: number
  bodyControl?: boolean
  expressionIntensity?: number
}

function need(assets: TRunwayInputAsset[], index: number, kind: 'image' | 'video', what: string): TRunwayInputAsset {
  const asset = assets[index]
  if (!asset || asset.kind !== kind) {
    throw new AppError(AppErrorCode.BAD_REQUEST, `references: ${what} must be ${kind === 'image' ? 'an image' : 'a video'}.`, { field: 'references' })
  }
  return asset
}

/**
 * Maps one of our generations onto the Runway endpoint and body its model takes. `assets` are the
 * shot's linked references in order; `tagged` the prompt's resolved `@tags`. Image models take
 * tagged `referenceImages` (the prompt names them); video models take one `promptImage`.
 */
export function buildRunwayRequest(model: TRunwayModelId, prompt: string, params: TParsedRunwayParams, assets: TRunwayInputAsset[], tagged: TRunwayInputAsset[] = []): TRunwayRequest {
  const ratio = params.aspectRatio ?? '16:9'
  const seed = params.seed === undefined ? {} : { seed: params.seed }
  const promptText = prompt.trim() ? { promptText: prompt.trim() } : {}
  switch (model) {
    case 'gen4.5':
    case 'gen4_turbo': {
      const image = assets[0] ?? tagged[0]
      if (!image) {
        if (model === 'gen4_turbo') throw new AppError(AppErrorCode.BAD_REQUEST, 'references: Gen-4 Turbo needs a reference image.', { field: 'references' })
        if (!prompt.trim()) throw new AppError(AppErrorCode.BAD_REQUEST, 'prompt: Gen-4.5 needs a prompt or a reference image.', { field: 'prompt' })
        return { endpoint: 'text_to_video', body: { model, ...promptText, ratio: VIDEO_RATIO[ratio], duration: params.duration, ...seed } }
      }
      need([image], 0, 'image', 'the first reference')
      return { endpoint: 'image_to_video', body: { model, promptImage: image.uri, ...promptText, ratio: VIDEO_RATIO[ratio], duration: params.duration, ...seed } }
    }
    case 'gen4_image':
    case 'gen4_image_turbo': {
      if (!prompt.trim()) throw new AppError(AppErrorCode.BAD_REQUEST, `prompt: ${RUNWAY_MODELS[model].label} needs a prompt.`, { field: 'prompt' })
      // The prompt's @tags when it has any (it names them); else the linked references as ref1…
      const refs = tagged.length > 0 ? tagged : assets.map((a, i) => ({ ...a, tag: `ref${i + 1}` }))
      if (model === 'gen4_image_turbo' && refs.length === 0) {
        throw new AppError(AppErrorCode.BAD_REQUEST, 'references: Gen-4 Image Turbo needs at least one reference image.', { field: 'references' })
      }
      if (refs.length > 3) throw new AppError(AppErrorCode.BAD_REQUEST, 'references: Runway takes at most 3 reference images.', { field: 'references' })
      const referenceImages = refs.map((a, i) => {
        if (!RUNWAY_TAG.test(a.tag ?? '')) {
          throw new AppError(AppErrorCode.BAD_REQUEST, `prompt: Runway needs reference tags of 3–16 letters, digits or _; @${a.tag ?? ''} is not one.`, { field: 'prompt' })
        }
        return { uri: need(refs, i, 'image', a.tag ? `@${a.tag}` : `reference ${i + 1}`).uri, tag: a.tag! }
      })
      return {
        endpoint: 'text_to_image',
        body: { model, ...promptText, ratio: IMAGE_RATIO[params.resolution ?? '1080p'][ratio], ...(referenceImages.length ? { referenceImages } : {}), ...seed },
      }
    }
    case 'aleph2': {
      const video = need(assets, 0, 'video', 'the first reference (the clip to edit)')
      return { endpoint: 'video_to_video', body: { model, videoUri: video.uri, ...promptText, ratio: VIDEO_RATIO[ratio], ...seed } }
    }
    case 'act_two': {
      const character = assets[0]
      if (!character) throw new AppError(AppErrorCode.BAD_REQUEST, 'references: Act-Two needs a character image or clip first.', { field: 'references' })
      const performance = need(assets, 1, 'video', 'the second reference (the performance)')
      return {
        endpoint: 'character_performance',
        body: {
          model,
          character: { type: character.kind, uri: character.uri },
          reference: { type: 'video', uri: performance.uri },
          ratio: VIDEO_RATIO[ratio],
          bodyControl: params.bodyControl ?? true,
          expressionIntensity: params.expressionIntensity ?? 3,
          ...seed,
        },
      }
    }
    case 'upscale_v1': {
      const video = need(assets, 0, 'video', 'the first reference (the clip to upscale)')
      return { endpoint: 'video_upscale', body: { model, videoUri: video.uri } }
    }
  }
}
