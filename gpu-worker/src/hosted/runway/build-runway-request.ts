import { AppError, AppErrorCode, RUNWAY_MODELS, runwayInputProblem, type TRunwayModelId, type TRunwayPresetVoice } from '@montage/core'
import type { TRunwayTaskRequest } from './RunwayClient'

/** A reference sent to Runway: a data URI of the stored bytes (no public URL of ours is needed). */
export interface TRunwayInputAsset {
  uri: string
  kind: 'image' | 'video'
  /** The prompt's `@tag` naming this image (a resolved reference). */
  tag?: string
}

/** Runway's rule for a reference image's tag: 3–16 letters, digits or _, starting with a letter. */
export const RUNWAY_TAG = /^[A-Za-z][A-Za-z0-9_]{2,15}$/

/** The endpoint and body of a model's task, as the SDK types them. */
export type TRunwayRequest = TRunwayTaskRequest

const VIDEO_RATIO = { '16:9': '1280:720', '9:16': '720:1280', '1:1': '960:960' } as const
const IMAGE_RATIO = {
  '720p': { '16:9': '1280:720', '9:16': '720:1280', '1:1': '720:720' },
  '1080p': { '16:9': '1920:1080', '9:16': '1080:1920', '1:1': '1080:1080' },
} as const

type TRatio = keyof typeof VIDEO_RATIO

/** Params as parsed by the model's schema (every picture model's has a duration, most a ratio; speech has neither). */
export interface TParsedRunwayParams {
  duration?: number
  voice?: TRunwayPresetVoice
  loop?: boolean
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
  const duration = params.duration ?? 5
  const seed = params.seed === undefined ? {} : { seed: params.seed }
  const promptText = prompt.trim() ? { promptText: prompt.trim() } : {}
  const problem = runwayInputProblem(model, { prompt, aspectRatio: ratio, imageCount: assets.length + tagged.length })
  if (problem) throw new AppError(AppErrorCode.BAD_REQUEST, problem.message, { field: problem.field })
  switch (model) {
    case 'gen4.5':
    case 'gen4_turbo': {
      const image = assets[0] ?? tagged[0]
      if (!image) {
        if (model === 'gen4_turbo') throw new AppError(AppErrorCode.BAD_REQUEST, 'references: Gen-4 Turbo needs a reference image.', { field: 'references' })
        // runwayInputProblem refused 1:1 without an image above; this narrows the type to match.
        if (ratio === '1:1') throw new Error('unreachable: a 1:1 Gen-4.5 clip from text alone was let through')
        return { endpoint: 'text_to_video', body: { model, promptText: prompt.trim(), ratio: VIDEO_RATIO[ratio], duration, ...seed } }
      }
      need([image], 0, 'image', 'the first reference')
      const body = { promptImage: image.uri, ratio: VIDEO_RATIO[ratio], duration, ...seed }
      if (model === 'gen4_turbo') return { endpoint: 'image_to_video', body: { model, ...body, ...promptText } }
      return { endpoint: 'image_to_video', body: { model, ...body, promptText: prompt.trim() } }
    }
    case 'gen4_image':
    case 'gen4_image_turbo': {
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
      const body = { promptText: prompt.trim(), ratio: IMAGE_RATIO[params.resolution ?? '1080p'][ratio], ...seed }
      if (model === 'gen4_image_turbo') return { endpoint: 'text_to_image', body: { model, ...body, referenceImages } }
      return { endpoint: 'text_to_image', body: { model, ...body, ...(referenceImages.length ? { referenceImages } : {}) } }
    }
    case 'aleph2': {
      // https://docs.dev.runwayml.com/api/#tag/Start-generating/paths/~1v1~1video_to_video/post
      // (@runwayml/sdk 4.20 `VideoToVideoCreateParams`): aleph2 takes `videoUri`, an optional
      // `promptText` and `seed`; `ratio` is deprecated (the edit keeps the clip's own framing, and
      // `targetAspectRatio` would letterbox and outpaint it), so none is sent.
      const video = need(assets, 0, 'video', 'the first reference (the clip to edit)')
      return { endpoint: 'video_to_video', body: { model, videoUri: video.uri, ...promptText, ...seed } }
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
    case 'eleven_multilingual_v2':
      // POST /v1/text_to_speech (@runwayml/sdk 4.20 `TextToSpeechCreateParams.ElevenMultilingualV2`):
      // the words as `promptText` (1–1000 characters, checked by runwayInputProblem above) and a
      // preset voice. References mean nothing to speech; a shot's linked images are ignored.
      return { endpoint: 'text_to_speech', body: { model, promptText: prompt.trim(), voice: { type: 'runway-preset', presetId: params.voice ?? 'Maya' } } }
    case 'eleven_text_to_sound_v2':
      // POST /v1/sound_effect (`SoundEffectCreateParams.ElevenTextToSoundV2`): a description, the
      // length in seconds (0.5–30; always sent, so the price is the one charged) and `loop`.
      return { endpoint: 'sound_effect', body: { model, promptText: prompt.trim(), duration, loop: params.loop ?? false } }
    case 'upscale_v1':
      // Retired by Runway (its API no longer takes it; the SDK has no such model), so no body is
      // built; runRunwayTask refuses it earlier with the catalogue's reason.
      throw new AppError(AppErrorCode.BAD_REQUEST, `model: ${RUNWAY_MODELS[model].retired}`, { field: 'model' })
  }
}
