import { AppError, AppErrorCode, RUNWAY_MODELS, runwayInputProblem, runwayInputsTaken, type TKeyframes, type TRunwayModelId, type TRunwayPresetVoice } from '@montage/core'
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

/** Gen-4 Image's pixel ratios by resolution (the other models' are in the catalogue's `runway.ratios`). */
const IMAGE_RATIO = {
  '720p': { '16:9': '1280:720', '9:16': '720:1280', '1:1': '720:720' },
  '1080p': { '16:9': '1920:1080', '9:16': '1080:1920', '1:1': '1080:1080' },
} as const

type TRatio = '16:9' | '9:16' | '1:1'

/** Params as parsed by the model's schema (every model's has some of these; none has all). */
export type TParsedRunwayParams = {
  duration?: number
  voice?: TRunwayPresetVoice
  loop?: boolean
  aspectRatio?: TRatio
  resolution?: string
  seed?: number
  bodyControl?: boolean
  expressionIntensity?: number
  audio?: boolean
  keyframes?: number | TKeyframes
  /** Aleph 2: where each keyframe falls, a fraction of the clip; evenly placed without it. */
  keyframeAt?: readonly number[]
  quality?: 'low' | 'medium' | 'high'
  flavor?: string
  scaleFactor?: 2 | 4
}

function need(assets: TRunwayInputAsset[], index: number, kind: 'image' | 'video', what: string): TRunwayInputAsset {
  const asset = assets[index]
  if (!asset || asset.kind !== kind) {
    throw new AppError(AppErrorCode.BAD_REQUEST, `references: ${what} must be ${kind === 'image' ? 'an image' : 'a video'}.`, { field: 'references' })
  }
  return asset
}

/** The model's pixel ratio for the shot's aspect ratio, as its catalogue entry maps it. */
function ratioOf<R extends string>(ratios: Partial<Readonly<Record<TRatio, R>>>, ratio: TRatio, label: string): R {
  const pixels = ratios[ratio]
  if (!pixels) throw new AppError(AppErrorCode.BAD_REQUEST, `params.aspectRatio: ${label} does not make ${ratio}.`, { field: 'params.aspectRatio' })
  return pixels
}

/** Where the i-th of n Aleph keyframes falls in the clip: evenly from its first frame to its last. */
function keyframeAt(i: number, n: number): number {
  return n === 1 ? 0 : i / (n - 1)
}

/**
 * Maps one of our generations onto the Runway endpoint and body its model takes. `assets` are the
 * shot's linked references in order; `tagged` the prompt's resolved `@tags`. What the model
 * receives of them is `runwayInputsTaken` (the web lists the same on the variation); a body field
 * the SDK's types do not name fails to compile here.
 */
export function buildRunwayRequest(model: TRunwayModelId, prompt: string, params: TParsedRunwayParams, allAssets: TRunwayInputAsset[], allTagged: TRunwayInputAsset[] = []): TRunwayRequest {
  const ratio = params.aspectRatio ?? '16:9'
  const duration = params.duration ?? 5
  const seed = params.seed === undefined ? {} : { seed: params.seed }
  const text = prompt.trim()
  const promptText = text ? { promptText: text } : {}
  const { label } = RUNWAY_MODELS[model]
  const problem = runwayInputProblem(model, { prompt, aspectRatio: ratio, keyframes: params.keyframes, keyframeAt: params.keyframeAt, linked: allAssets.length, tagged: allTagged.length })
  if (problem) throw new AppError(AppErrorCode.BAD_REQUEST, problem.message, { field: problem.field })
  const taken = runwayInputsTaken(model, params, { linked: allAssets.length, tagged: allTagged.length })
  const assets = allAssets.slice(0, taken.linked)
  const tagged = allTagged.slice(0, taken.tagged)
  // Frames and keyframes: the linked images first, then the tagged ones.
  const images = [...assets, ...tagged]
  switch (model) {
    case 'gen4.5':
    case 'gen4_turbo': {
      const ratios = RUNWAY_MODELS[model].runway.ratios
      const image = images[0]
      if (!image) {
        if (model === 'gen4_turbo') throw new AppError(AppErrorCode.BAD_REQUEST, 'references: Gen-4 Turbo needs a reference image.', { field: 'references' })
        // runwayInputProblem refused 1:1 without an image above; this narrows the type to match.
        if (ratio === '1:1') throw new Error('unreachable: a 1:1 Gen-4.5 clip from text alone was let through')
        return { endpoint: 'text_to_video', body: { model, promptText: text, ratio: ratios[ratio], duration, ...seed } }
      }
      need([image], 0, 'image', 'the first reference')
      const body = { promptImage: image.uri, ratio: ratioOf(ratios, ratio, label), duration, ...seed }
      if (model === 'gen4_turbo') return { endpoint: 'image_to_video', body: { model, ...body, ...promptText } }
      return { endpoint: 'image_to_video', body: { model, ...body, promptText: text } }
    }
    case 'veo3.1':
    case 'veo3.1_fast': {
      // POST /v1/image_to_video or /v1/text_to_video (`Veo3_1`, `Veo3_1Fast`): 4, 6 or 8 s,
      // 1280:720 or 720:1280, `audio`; a first frame, or a first and a last.
      const veo = { duration: params.duration === 4 || params.duration === 6 ? params.duration : 8, ratio: ratioOf(RUNWAY_MODELS[model].runway.ratios, ratio, label), audio: params.audio ?? false, ...seed } as const
      if (images.length === 0) return { endpoint: 'text_to_video', body: { model, promptText: text, ...veo } }
      const promptImage = images.map((image, i) => ({ uri: need(images, i, 'image', `keyframe ${i + 1}`).uri, position: i === 0 ? ('first' as const) : ('last' as const) }))
      return { endpoint: 'image_to_video', body: { model, promptImage, ...promptText, ...veo } }
    }
    case 'seedance2': {
      // `Seedance2`: seconds, a ratio, `audio`; keyframes as positioned `promptImage` entries.
      const seedance = { duration, ratio: ratioOf(RUNWAY_MODELS[model].runway.ratios, ratio, label), audio: params.audio ?? false, ...seed } as const
      if (images.length === 0) return { endpoint: 'text_to_video', body: { model, promptText: text, ...seedance } }
      const promptImage = images.map((image, i) => ({ uri: need(images, i, 'image', `keyframe ${i + 1}`).uri, position: i === 0 ? ('first' as const) : ('last' as const) }))
      return { endpoint: 'image_to_video', body: { model, promptImage, ...promptText, ...seedance } }
    }
    case 'gen4_image':
    case 'gen4_image_turbo':
    case 'gpt_image_2':
    case 'gemini_2.5_flash':
    case 'gemini_image3.1_flash':
    case 'gemini_image3_pro': {
      // The prompt's @tags when it has any (it names them); else the linked references as ref1…
      const refs = tagged.length > 0 ? tagged : assets.map((a, i) => ({ ...a, tag: `ref${i + 1}` }))
      if (model === 'gen4_image_turbo' && refs.length === 0) {
        throw new AppError(AppErrorCode.BAD_REQUEST, 'references: Gen-4 Image Turbo needs at least one reference image.', { field: 'references' })
      }
      const referenceImages = refs.map((a, i) => {
        if (!RUNWAY_TAG.test(a.tag ?? '')) {
          throw new AppError(AppErrorCode.BAD_REQUEST, `prompt: Runway needs reference tags of 3–16 letters, digits or _; @${a.tag ?? ''} is not one.`, { field: 'prompt' })
        }
        return { uri: need(refs, i, 'image', a.tag ? `@${a.tag}` : `reference ${i + 1}`).uri, tag: a.tag! }
      })
      const withRefs = referenceImages.length ? { referenceImages } : {}
      switch (model) {
        case 'gen4_image':
        case 'gen4_image_turbo': {
          const body = { promptText: text, ratio: IMAGE_RATIO[params.resolution === '720p' ? '720p' : '1080p'][ratio], ...seed }
          if (model === 'gen4_image_turbo') return { endpoint: 'text_to_image', body: { model, ...body, referenceImages } }
          return { endpoint: 'text_to_image', body: { model, ...body, ...withRefs } }
        }
        case 'gpt_image_2':
          // `GptImage2`: no seed; one image at the chosen quality (its price).
          return { endpoint: 'text_to_image', body: { model, promptText: text, ratio: ratioOf(RUNWAY_MODELS[model].runway.ratios, ratio, label), quality: params.quality ?? 'medium', ...withRefs } }
        case 'gemini_2.5_flash':
        case 'gemini_image3.1_flash':
        case 'gemini_image3_pro':
          return { endpoint: 'text_to_image', body: { model, promptText: text, ratio: ratioOf(RUNWAY_MODELS[model].runway.ratios, ratio, label), ...withRefs } }
      }
      throw new Error(`unreachable: ${model}`)
    }
    case 'aleph2': {
      // https://docs.dev.runwayml.com/api/#tag/Start-generating/paths/~1v1~1video_to_video/post
      // (@runwayml/sdk 4.20 `VideoToVideoCreateParams`): aleph2 takes `videoUri`, an optional
      // `promptText` and `seed`, and up to 5 `keyframes` (an image `at` a fraction of the clip);
      // `ratio` is deprecated (the edit keeps the clip's own framing, and `targetAspectRatio`
      // would letterbox and outpaint it), so none is sent.
      const video = need(assets, 0, 'video', 'the first reference (the clip to edit)')
      const guides = images.slice(1)
      // Each `at` where the person put it (`params.keyframeAt`), or evenly over the clip.
      const keyframes = guides.map((g, i) => ({ uri: need(guides, i, 'image', `keyframe ${i + 1}`).uri, at: params.keyframeAt?.[i] ?? keyframeAt(i, guides.length) }))
      return { endpoint: 'video_to_video', body: { model, videoUri: video.uri, ...promptText, ...(keyframes.length ? { keyframes } : {}), ...seed } }
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
          ratio: ratioOf(RUNWAY_MODELS[model].runway.ratios, ratio, label),
          bodyControl: params.bodyControl ?? true,
          expressionIntensity: params.expressionIntensity ?? 3,
          ...seed,
        },
      }
    }
    case 'magnific_video_upscaler_creative': {
      // POST /v1/video_upscale (`MagnificVideoUpscalerCreative`): the clip, the output size and
      // the look; no frame-rate boost (it would change the frame count the price is reserved on).
      const clip = need(assets, 0, 'video', 'the first reference (the clip to upscale)')
      const resolution = params.resolution === '720p' || params.resolution === '1k' || params.resolution === '4k' ? params.resolution : '2k'
      return { endpoint: 'video_upscale', body: { model, videoUri: clip.uri, resolution, flavor: params.flavor === 'vivid' ? 'vivid' : 'natural' } }
    }
    case 'magnific_precision_upscaler_v2': {
      // POST /v1/image_upscale (`ImageUpscaleCreateParams`).
      const still = need(assets, 0, 'image', 'the first reference (the still to upscale)')
      const flavor = params.flavor === 'sublime' || params.flavor === 'photo_denoiser' ? params.flavor : 'photo'
      return { endpoint: 'image_upscale', body: { model, imageUri: still.uri, scaleFactor: params.scaleFactor ?? 2, flavor } }
    }
    case 'eleven_multilingual_v2':
      // POST /v1/text_to_speech (@runwayml/sdk 4.20 `TextToSpeechCreateParams.ElevenMultilingualV2`):
      // the words as `promptText` (1–1000 characters, checked by runwayInputProblem above) and a
      // preset voice. References mean nothing to speech; a shot's linked images are not sent.
      return { endpoint: 'text_to_speech', body: { model, promptText: text, voice: { type: 'runway-preset', presetId: params.voice ?? 'Maya' } } }
    case 'eleven_text_to_sound_v2':
      // POST /v1/sound_effect (`SoundEffectCreateParams.ElevenTextToSoundV2`): a description, the
      // length in seconds (0.5–30; always sent, so the price is the one charged) and `loop`.
      return { endpoint: 'sound_effect', body: { model, promptText: text, duration, loop: params.loop ?? false } }
    case 'upscale_v1':
      // Retired by Runway (its API no longer takes it; the SDK has no such model), so no body is
      // built; runRunwayTask refuses it earlier with the catalogue's reason.
      throw new AppError(AppErrorCode.BAD_REQUEST, `model: ${RUNWAY_MODELS[model].retired}`, { field: 'model' })
  }
}
