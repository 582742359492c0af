import { z } from 'zod'
import { ZAspectRatio, type TAspectRatio, type TModelDefinition } from './model-definition'

/*
 * Runway's models, reached through its API from the `hosted` queue. Ids are Runway's own API
 * model ids so a request can name them as they are; what each takes follows @runwayml/sdk 4.20's
 * request types (the adapter's bodies are typed by them). Kept apart from models.ts (the local
 * engine's catalogue) and spread into MODELS there; prices are in runway-prices.ts, computed in
 * pricing.ts.
 */

/** A shot's aspect ratio; the adapter maps it to the model's own pixel ratio (`runway.ratios`). */
const ZShotRatio = ZAspectRatio
/** The ratios of the models that make only landscape or portrait (Veo). */
const ZWideOrTall = z.enum(['16:9', '9:16'])
const ZSeed = z.number().int().min(0).max(4_294_967_295).optional()
/**
 * Which of the shot's images a keyframe model (Veo 3.1, Seedance 2) takes: the first as the first
 * frame, or the first two as the first and the last frame.
 */
export const ZKeyframes = z.enum(['first', 'first_last'])
export type TKeyframes = z.infer<typeof ZKeyframes>

export const ZGen45Params = z
  .object({ duration: z.number().int().min(2).max(10).default(5), aspectRatio: ZShotRatio.default('16:9'), seed: ZSeed })
  .strict()
export const ZGen4TurboParams = z
  .object({ duration: z.number().int().min(2).max(10).default(5), aspectRatio: ZShotRatio.default('16:9'), seed: ZSeed })
  .strict()
/** A still counts as one output second, as the local edit models do, so every picture schema has a duration. */
export const ZGen4ImageParams = z
  .object({ duration: z.literal(1).default(1), aspectRatio: ZShotRatio.default('16:9'), resolution: z.enum(['720p', '1080p']).default('720p'), seed: ZSeed })
  .strict()
export const ZGen4ImageTurboParams = z
  .object({ duration: z.literal(1).default(1), aspectRatio: ZShotRatio.default('16:9'), seed: ZSeed })
  .strict()
/**
 * Aleph 2 edits the clip it is given and is charged by that clip's length, so there is no duration
 * to choose. `keyframes`: how many of the images after the clip guide the edit (Runway takes up to
 * five); `keyframeAt`: where each falls, a fraction of the clip from 0 (its first frame) to 1 (its
 * last), one per keyframe in rising order (runwayInputProblem checks both); placed evenly from the
 * first frame to the last without it.
 */
export const ZAleph2Params = z
  .object({
    keyframes: z.number().int().min(0).max(5).default(0),
    keyframeAt: z.array(z.number().finite().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1')).max(5).optional(),
    seed: ZSeed,
  })
  .strict()
/** Act-Two's output is as long as the performance clip, and that length is what it costs: no duration to choose. */
export const ZActTwoParams = z
  .object({
    aspectRatio: ZShotRatio.default('16:9'),
    bodyControl: z.boolean().default(true),
    expressionIntensity: z.number().int().min(1).max(5).default(3),
    seed: ZSeed,
  })
  .strict()
/** Veo 3.1 and 3.1 Fast (@runwayml/sdk 4.20 `Veo3_1`): 4, 6 or 8 s, landscape or portrait, optional sound. */
export const ZVeoParams = z
  .object({
    duration: z.union([z.literal(4), z.literal(6), z.literal(8)]).default(8),
    aspectRatio: ZWideOrTall.default('16:9'),
    audio: z.boolean().default(false),
    keyframes: ZKeyframes.default('first'),
    seed: ZSeed,
  })
  .strict()
/**
 * Seedance 2 (`Seedance2`): the SDK takes any number of seconds (or `auto`, billed at the maximum);
 * 4–15 s is the range published for the model elsewhere, not in the SDK.
 */
export const ZSeedance2Params = z
  .object({
    duration: z.number().int().min(4).max(15).default(5),
    aspectRatio: ZShotRatio.default('16:9'),
    audio: z.boolean().default(false),
    keyframes: ZKeyframes.default('first'),
    seed: ZSeed,
  })
  .strict()
/** GPT Image 2 (`GptImage2`): no seed; `quality` sets the price. */
export const ZGptImage2Params = z
  .object({ duration: z.literal(1).default(1), aspectRatio: ZShotRatio.default('16:9'), quality: z.enum(['low', 'medium', 'high']).default('medium') })
  .strict()
/** The Gemini image models (`Gemini2_5Flash`, `GeminiImage3_1Flash`, `GeminiImage3Pro`): a ratio, no seed. */
export const ZGeminiImageParams = z.object({ duration: z.literal(1).default(1), aspectRatio: ZShotRatio.default('16:9') }).strict()
/** The Magnific video upscaler (`MagnificVideoUpscalerCreative`): the output size and the look; priced per output frame. */
export const ZMagnificVideoUpscaleParams = z
  .object({ resolution: z.enum(['720p', '1k', '2k', '4k']).default('2k'), flavor: z.enum(['natural', 'vivid']).default('natural') })
  .strict()
/** The Magnific image upscaler (`ImageUpscaleCreateParams`): Runway takes 2–16×; we offer 2× and 4×. */
export const ZMagnificImageUpscaleParams = z
  .object({ scaleFactor: z.union([z.literal(2), z.literal(4)]).default(2), flavor: z.enum(['photo', 'sublime', 'photo_denoiser']).default('photo') })
  .strict()
/** Retired (see `upscale_v1` below); kept so past generations still parse. */
export const ZRunwayUpscaleParams = z.object({ duration: z.number().int().min(1).max(40).default(5) }).strict()

/**
 * Runway's preset voices for `eleven_multilingual_v2` (`voice: { type: 'runway-preset', presetId }`),
 * as @runwayml/sdk 4.20's `TextToSpeechCreateParams.ElevenMultilingualV2.Voice` lists them.
 */
export const RUNWAY_PRESET_VOICES = [
  'Maya', 'Arjun', 'Serene', 'Bernard', 'Billy', 'Mark', 'Clint', 'Mabel', 'Chad', 'Leslie', 'Eleanor', 'Elias', 'Elliot',
  'Grungle', 'Brodie', 'Sandra', 'Kirk', 'Kylie', 'Lara', 'Lisa', 'Malachi', 'Marlene', 'Martin', 'Miriam', 'Monster',
  'Paula', 'Pip', 'Rusty', 'Ragnar', 'Xylar', 'Maggie', 'Jack', 'Katie', 'Noah', 'James', 'Rina', 'Ella', 'Mariah',
  'Frank', 'Claudia', 'Niki', 'Vincent', 'Kendrick', 'Myrna', 'Tom', 'Wanda', 'Benjamin', 'Kiana', 'Rachel',
] as const
export const ZRunwayPresetVoice = z.enum(RUNWAY_PRESET_VOICES)
export type TRunwayPresetVoice = z.infer<typeof ZRunwayPresetVoice>

/** Speech is as long as its text: no duration to choose, only the voice. Priced by the prompt's length. */
export const ZTextToSpeechParams = z.object({ voice: ZRunwayPresetVoice.default('Maya') }).strict()
/**
 * Seconds of sound (Runway takes 0.5–30 and guesses a length when none is sent; we always send
 * one, in whole seconds, so the price is known before the task starts) and whether it should loop.
 */
export const ZSoundEffectParams = z.object({ duration: z.number().int().min(1).max(30).default(5), loop: z.boolean().default(false) }).strict()

/** The performance clip Act-Two takes, in seconds (@runwayml/sdk 4.20: "between 3 and 30 seconds"). */
export const ACT_TWO_PERFORMANCE_SECONDS = { min: 3, max: 30 } as const

/** The longest text Runway's text to speech takes (UTF-16 code units, as a JS string's length counts). */
export const RUNWAY_SPEECH_MAX_CHARS = 1000

/** The Runway endpoint (under /v1) a model's task is created on. */
export type TRunwayEndpoint =
  | 'image_to_video'
  | 'text_to_video'
  | 'text_to_image'
  | 'video_to_video'
  | 'character_performance'
  | 'video_upscale'
  | 'image_upscale'
  | 'text_to_speech'
  | 'sound_effect'

/**
 * What a model takes of the images and clips linked to the shot (in the shot's order) and of the
 * prompt's `@tags`; `runwayInputsTaken` counts them, so the adapter sends exactly these and the
 * variation lists exactly these.
 * - `frames`: images as keyframes, linked first, then tagged: one (the first frame), or two
 *   (first and last) when the model has `keyframes: 'first_last'`;
 * - `reference-images`: the prompt's @tags when it names any, else the linked images (up to `max`);
 * - `clip-keyframes`: the first linked clip, then `params.keyframes` images (linked, then tagged);
 * - `character-performance`: the first two linked (the character, the performance clip);
 * - `source`: the first linked (a clip or a still to upscale);
 * - `none`: nothing (the audio models).
 */
export type TRunwayInputs =
  | { kind: 'frames' }
  | { kind: 'reference-images'; max: number }
  | { kind: 'clip-keyframes' }
  | { kind: 'character-performance' }
  | { kind: 'source' }
  | { kind: 'none' }

export interface TRunwayModelDefinition<P extends z.ZodType = z.ZodType> extends TModelDefinition<P> {
  backend: 'runway'
  taskQueue: 'hosted'
  runway: {
    /** With a reference image the first endpoint, without one the second (gen4.5 does both). */
    endpoints: readonly [TRunwayEndpoint, ...TRunwayEndpoint[]]
    inputs: TRunwayInputs
    /** The model's own pixel ratio for each aspect ratio its params take. */
    ratios?: Partial<Readonly<Record<TAspectRatio, string>>>
  }
  /**
   * Set when Runway has taken the model off its API: it stays in the catalogue so past
   * generations keep their name and price, and shows as unavailable with this reason.
   */
  retired?: string
}

const VIDEO_720 = { '16:9': '1280:720', '9:16': '720:1280', '1:1': '960:960' } as const
const GEMINI_RATIOS = { '16:9': '1344:768', '9:16': '768:1344', '1:1': '1024:1024' } as const

export const RUNWAY_MODELS = {
  'gen4.5': {
    id: 'gen4.5',
    label: 'Gen-4.5 (Runway)',
    kind: 'image_to_video',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZGen45Params,
    description: "Runway's Gen-4.5: text or a first-frame image to video, 2–10 s.",
    // @runwayml/sdk 4.20 types Gen-4.5's `promptImage` positions as 'first' only: no last frame.
    runway: { endpoints: ['image_to_video', 'text_to_video'], inputs: { kind: 'frames' }, ratios: VIDEO_720 },
  },
  gen4_turbo: {
    id: 'gen4_turbo',
    label: 'Gen-4 Turbo (Runway)',
    kind: 'image_to_video',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: true,
    params: ZGen4TurboParams,
    description: "Runway's fast Gen-4: a reference image to video, 2–10 s.",
    runway: { endpoints: ['image_to_video'], inputs: { kind: 'frames' }, ratios: VIDEO_720 },
  },
  'veo3.1': {
    id: 'veo3.1',
    label: 'Veo 3.1 (Runway)',
    kind: 'image_to_video',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZVeoParams,
    description: "Google's Veo 3.1 through Runway: text, a first frame, or first and last frames to video; 4, 6 or 8 s, with sound if asked.",
    runway: { endpoints: ['image_to_video', 'text_to_video'], inputs: { kind: 'frames' }, ratios: { '16:9': '1280:720', '9:16': '720:1280' } },
  },
  'veo3.1_fast': {
    id: 'veo3.1_fast',
    label: 'Veo 3.1 Fast (Runway)',
    kind: 'image_to_video',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZVeoParams,
    description: "Google's faster Veo 3.1 through Runway: text, a first frame, or first and last frames to video; 4, 6 or 8 s.",
    runway: { endpoints: ['image_to_video', 'text_to_video'], inputs: { kind: 'frames' }, ratios: { '16:9': '1280:720', '9:16': '720:1280' } },
  },
  seedance2: {
    id: 'seedance2',
    label: 'Seedance 2 (Runway)',
    kind: 'image_to_video',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZSeedance2Params,
    description: "ByteDance's Seedance 2 through Runway: text, a first frame, or first and last frames to video; 4–15 s.",
    runway: { endpoints: ['image_to_video', 'text_to_video'], inputs: { kind: 'frames' }, ratios: VIDEO_720 },
  },
  gen4_image: {
    id: 'gen4_image',
    label: 'Gen-4 Image (Runway)',
    kind: 'text_to_image',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZGen4ImageParams,
    description: "Runway's Gen-4 Image: a still from text, optionally with up to 3 references; 5 credits at 720p, 8 at 1080p.",
    runway: { endpoints: ['text_to_image'], inputs: { kind: 'reference-images', max: 3 } },
  },
  gen4_image_turbo: {
    id: 'gen4_image_turbo',
    label: 'Gen-4 Image Turbo (Runway)',
    kind: 'text_to_image',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: true,
    params: ZGen4ImageTurboParams,
    description: "Runway's fast Gen-4 Image: a still from text and at least one reference.",
    runway: { endpoints: ['text_to_image'], inputs: { kind: 'reference-images', max: 3 } },
  },
  gpt_image_2: {
    id: 'gpt_image_2',
    label: 'GPT Image 2 (Runway)',
    kind: 'text_to_image',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZGptImage2Params,
    description: "OpenAI's gpt-image-2 through Runway: a still from text, with up to 16 references; priced by quality.",
    runway: { endpoints: ['text_to_image'], inputs: { kind: 'reference-images', max: 16 }, ratios: { '16:9': '1920:1088', '9:16': '1088:1920', '1:1': '1920:1920' } },
  },
  'gemini_2.5_flash': {
    id: 'gemini_2.5_flash',
    label: 'Gemini 2.5 Flash Image (Runway)',
    kind: 'text_to_image',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZGeminiImageParams,
    description: "Google's Gemini 2.5 Flash Image through Runway: a still from text, with up to 3 references.",
    runway: { endpoints: ['text_to_image'], inputs: { kind: 'reference-images', max: 3 }, ratios: GEMINI_RATIOS },
  },
  'gemini_image3.1_flash': {
    id: 'gemini_image3.1_flash',
    label: 'Gemini 3.1 Flash Image (Runway)',
    kind: 'text_to_image',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZGeminiImageParams,
    description: "Google's Gemini 3.1 Flash Image through Runway: a still from text, with up to 14 references.",
    runway: { endpoints: ['text_to_image'], inputs: { kind: 'reference-images', max: 14 }, ratios: GEMINI_RATIOS },
  },
  gemini_image3_pro: {
    id: 'gemini_image3_pro',
    label: 'Gemini 3 Pro Image (Runway)',
    kind: 'text_to_image',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZGeminiImageParams,
    description: "Google's Gemini 3 Pro Image through Runway: a still from text, with up to 14 references.",
    runway: { endpoints: ['text_to_image'], inputs: { kind: 'reference-images', max: 14 }, ratios: GEMINI_RATIOS },
  },
  aleph2: {
    id: 'aleph2',
    label: 'Aleph 2 (Runway)',
    kind: 'video_edit',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: true,
    params: ZAleph2Params,
    description: "Runway's Aleph 2: edits a clip (the first reference) from a prompt, guided by up to 5 keyframe images; 28 credits a second of the clip, 56 at least.",
    runway: { endpoints: ['video_to_video'], inputs: { kind: 'clip-keyframes' } },
  },
  act_two: {
    id: 'act_two',
    label: 'Act-Two (Runway)',
    kind: 'performance',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: true,
    params: ZActTwoParams,
    description: "Runway's Act-Two: a character (first reference) driven by a performance clip of 3–30 s (second reference), charged by the clip's length.",
    runway: { endpoints: ['character_performance'], inputs: { kind: 'character-performance' }, ratios: VIDEO_720 },
  },
  // Runway's audio models (ElevenLabs' models behind Runway's task API): the output is an MP3.
  eleven_multilingual_v2: {
    id: 'eleven_multilingual_v2',
    label: 'Speech (Runway)',
    kind: 'text_to_speech',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZTextToSpeechParams,
    description: 'ElevenLabs Multilingual v2 through Runway: the prompt spoken by a preset voice, up to 1000 characters; 1 credit per 50 characters.',
    runway: { endpoints: ['text_to_speech'], inputs: { kind: 'none' } },
  },
  eleven_text_to_sound_v2: {
    id: 'eleven_text_to_sound_v2',
    label: 'Sound effect (Runway)',
    kind: 'sound_effect',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZSoundEffectParams,
    description: 'ElevenLabs Text to Sound v2 through Runway: a sound effect from a description, 1–30 s, optionally looping; 1 credit per 6 seconds.',
    runway: { endpoints: ['sound_effect'], inputs: { kind: 'none' } },
  },
  magnific_video_upscaler_creative: {
    id: 'magnific_video_upscaler_creative',
    label: 'Magnific video upscale (Runway)',
    kind: 'upscale',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: true,
    params: ZMagnificVideoUpscaleParams,
    description: "Magnific's creative video upscaler through Runway: a clip to 720p, 1K, 2K or 4K; priced per output frame.",
    runway: { endpoints: ['video_upscale'], inputs: { kind: 'source' } },
  },
  magnific_precision_upscaler_v2: {
    id: 'magnific_precision_upscaler_v2',
    label: 'Magnific image upscale (Runway)',
    kind: 'upscale',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: true,
    params: ZMagnificImageUpscaleParams,
    description: "Magnific's precision image upscaler through Runway: a still at 2× or 4×.",
    runway: { endpoints: ['image_upscale'], inputs: { kind: 'source' } },
  },
  upscale_v1: {
    id: 'upscale_v1',
    label: 'Upscale 4× (Runway)',
    kind: 'upscale',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: true,
    params: ZRunwayUpscaleParams,
    description: "Runway's former video upscaler: 4× up to 4K, clips up to 40 s.",
    runway: { endpoints: ['video_upscale'], inputs: { kind: 'source' } },
    // @runwayml/sdk 3.12.0 (2026-01-17): "Sunset upscale endpoint"; the video_upscale endpoint
    // that came back in 4.4.0 takes other models (magnific_video_upscaler_creative), not this one.
    retired: 'Runway retired its upscale_v1 upscaler in January 2026; use Magnific video upscale, or the local Upscale edit (2× or 4×).',
  },
} as const satisfies Record<string, TRunwayModelDefinition>

export type TRunwayModelId = keyof typeof RUNWAY_MODELS
export const RUNWAY_MODEL_IDS = Object.keys(RUNWAY_MODELS) as [TRunwayModelId, ...TRunwayModelId[]]

export function isRunwayModel(id: string): id is TRunwayModelId {
  return Object.hasOwn(RUNWAY_MODELS, id)
}

/**
 * Which linked reference's length a model is priced by (Aleph's clip, Act-Two's performance, the
 * video upscaler's source), or null for a model priced by its params.
 */
export function runwayPricedClipIndex(model: TRunwayModelId): number | null {
  if (model === 'act_two') return 1
  if (model === 'aleph2' || model === 'magnific_video_upscaler_creative') return 0
  return null
}

/** The Runway models whose output is a sound, not a picture. */
export function isRunwayAudioModel(id: string): id is 'eleven_multilingual_v2' | 'eleven_text_to_sound_v2' {
  return id === 'eleven_multilingual_v2' || id === 'eleven_text_to_sound_v2'
}

/** What Runway refuses for a model that its param schema cannot see: the prompt and the images. */
export interface TRunwayInputProblem {
  field: string
  message: string
}

/** How many of the shot's linked references and of the prompt's @tags a model receives. */
export interface TRunwayInputCounts {
  linked: number
  tagged: number
}

/** A model's parsed params; `keyframes`, where a model has it, decides what it takes. */
type TInputParams = { readonly [param: string]: unknown }

/**
 * How many of the linked references (in the shot's order) and of the prompt's @tags (in the
 * prompt's order) the model receives: the first `linked` and the first `tagged`. The web records
 * exactly these on the variation and hands exactly these to the adapter, which sends them all.
 */
export function runwayInputsTaken(model: TRunwayModelId, params: TInputParams, available: TRunwayInputCounts): TRunwayInputCounts {
  const inputs: TRunwayInputs = RUNWAY_MODELS[model].runway.inputs
  const firstOf = (want: number, from: TRunwayInputCounts) => {
    const linked = Math.min(from.linked, want)
    return { linked, tagged: Math.min(from.tagged, want - linked) }
  }
  switch (inputs.kind) {
    case 'frames':
      return firstOf(params.keyframes === 'first_last' ? 2 : 1, available)
    case 'reference-images':
      // The prompt names its @tags; linked images stand in only when it names none.
      return available.tagged > 0 ? { linked: 0, tagged: Math.min(available.tagged, inputs.max) } : { linked: Math.min(available.linked, inputs.max), tagged: 0 }
    case 'clip-keyframes': {
      if (available.linked === 0) return { linked: 0, tagged: 0 }
      const keyframes = firstOf(typeof params.keyframes === 'number' ? params.keyframes : 0, { linked: available.linked - 1, tagged: available.tagged })
      return { linked: 1 + keyframes.linked, tagged: keyframes.tagged }
    }
    case 'character-performance':
      return { linked: Math.min(available.linked, 2), tagged: 0 }
    case 'source':
      return { linked: Math.min(available.linked, 1), tagged: 0 }
    case 'none':
      return { linked: 0, tagged: 0 }
  }
}

/** The models whose prompt Runway requires (with or without images). */
const PROMPT_REQUIRED = new Set<TRunwayModelId>(['gen4.5', 'gen4_image', 'gen4_image_turbo', 'gpt_image_2', 'gemini_2.5_flash', 'gemini_image3.1_flash', 'gemini_image3_pro', 'eleven_multilingual_v2', 'eleven_text_to_sound_v2'])

/**
 * Checks a Runway generation's prompt and images against what Runway's API takes for its model
 * (`@runwayml/sdk` 4.20 types: the image models, Gen-4.5 and the audio models require `promptText`,
 * Veo and Seedance require it without an image; Gen-4.5's text_to_video is 16:9 or 9:16 only; a
 * last frame needs a second image; Aleph's keyframes need their images). `linked`/`tagged` count
 * the shot's linked references and the prompt's @tags. Generate calls it before anything is stored;
 * the adapter calls it again before a task is created.
 */
export function runwayInputProblem(
  model: TRunwayModelId,
  input: { prompt: string; aspectRatio?: string; keyframes?: number | string; keyframeAt?: readonly number[]; linked: number; tagged: number },
): TRunwayInputProblem | null {
  const { label, runway } = RUNWAY_MODELS[model]
  const images = input.linked + input.tagged
  const frameModel = runway.inputs.kind === 'frames' && model !== 'gen4_turbo'
  const needsPrompt = PROMPT_REQUIRED.has(model) || (frameModel && images === 0)
  if (needsPrompt && !input.prompt.trim()) {
    const what = model === 'eleven_multilingual_v2' ? ' (the words to speak)' : model === 'eleven_text_to_sound_v2' ? ' (the sound to make)' : images === 0 && frameModel && model !== 'gen4.5' ? ' without an image' : ''
    return { field: 'prompt', message: `prompt: ${label} needs a prompt${what}.` }
  }
  if (model === 'eleven_multilingual_v2' && input.prompt.trim().length > RUNWAY_SPEECH_MAX_CHARS) {
    return { field: 'prompt', message: `prompt: ${label} speaks at most ${RUNWAY_SPEECH_MAX_CHARS} characters; this prompt has ${input.prompt.trim().length}.` }
  }
  if (model === 'gen4.5' && images === 0 && input.aspectRatio === '1:1') {
    return { field: 'params.aspectRatio', message: 'params.aspectRatio: Gen-4.5 makes 1:1 clips only from a reference image; pick 16:9 or 9:16, or link a reference.' }
  }
  if (input.keyframes === 'first_last' && images < 2) {
    return { field: 'references', message: `references: ${label} needs two images for a first and a last frame; this shot has ${images}.` }
  }
  if (runway.inputs.kind === 'reference-images') {
    const named = input.tagged > 0 ? input.tagged : input.linked
    if (named > runway.inputs.max) {
      return { field: 'references', message: `references: ${label} takes at most ${runway.inputs.max} reference images; this shot has ${named}.` }
    }
  }
  if (runway.inputs.kind === 'clip-keyframes' && typeof input.keyframes === 'number' && input.keyframes > 0) {
    const have = Math.max(0, input.linked - 1) + input.tagged
    if (have < input.keyframes) {
      return { field: 'params.keyframes', message: `params.keyframes: ${label} was asked for ${input.keyframes} keyframes but has ${have} image${have === 1 ? '' : 's'} after the clip.` }
    }
  }
  if (input.keyframeAt) {
    const count = typeof input.keyframes === 'number' ? input.keyframes : 0
    if (input.keyframeAt.length !== count) {
      return { field: 'params.keyframeAt', message: `params.keyframeAt: give one position per keyframe (${count}); it has ${input.keyframeAt.length}.` }
    }
    if (input.keyframeAt.some((at, i) => i > 0 && at <= input.keyframeAt![i - 1]!)) {
      return { field: 'params.keyframeAt', message: 'params.keyframeAt: the positions must rise, each later in the clip than the one before.' }
    }
  }
  return null
}
