import { z } from 'zod'
import { ZAspectRatio, type TModelDefinition } from './model-definition'

/*
 * Runway's models, reached through its API from the `hosted` queue. Ids are Runway's own API
 * model ids so a request can name them as they are; prices are Runway's published credits.
 * Kept apart from models.ts (the local engine's catalogue) and spread into MODELS there; prices
 * are computed in pricing.ts.
 */

/** A shot's aspect ratio; the adapter maps it to Runway's pixel ratios. */
const ZShotRatio = ZAspectRatio
const ZSeed = z.number().int().min(0).max(4_294_967_295).optional()

export const ZGen45Params = z
  .object({ duration: z.number().int().min(2).max(10).default(5), aspectRatio: ZShotRatio.default('16:9'), seed: ZSeed })
  .strict()
export const ZGen4TurboParams = z
  .object({ duration: z.number().int().min(2).max(10).default(5), aspectRatio: ZShotRatio.default('16:9'), seed: ZSeed })
  .strict()
/** A still counts as one output second, as the local edit models do, so every schema has a duration. */
export const ZGen4ImageParams = z
  .object({ duration: z.literal(1).default(1), aspectRatio: ZShotRatio.default('16:9'), resolution: z.enum(['720p', '1080p']).default('720p'), seed: ZSeed })
  .strict()
export const ZGen4ImageTurboParams = z
  .object({ duration: z.literal(1).default(1), aspectRatio: ZShotRatio.default('16:9'), seed: ZSeed })
  .strict()
/** Seconds of the source clip to edit; Aleph edits at most 10 s. */
export const ZAleph2Params = z
  .object({ duration: z.number().int().min(1).max(10).default(5), aspectRatio: ZShotRatio.default('16:9'), seed: ZSeed })
  .strict()
/** The driving performance's length in seconds (what is charged); Act-Two takes up to 30 s. */
export const ZActTwoParams = z
  .object({
    duration: z.number().int().min(1).max(30).default(5),
    aspectRatio: ZShotRatio.default('16:9'),
    bodyControl: z.boolean().default(true),
    expressionIntensity: z.number().int().min(1).max(5).default(3),
    seed: ZSeed,
  })
  .strict()
/** The source clip's length in seconds; the upscaler takes up to 40 s. */
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
  | 'text_to_speech'
  | 'sound_effect'

export interface TRunwayModelDefinition<P extends z.ZodType = z.ZodType> extends TModelDefinition<P> {
  backend: 'runway'
  taskQueue: 'hosted'
  runway: {
    /** With a reference image the first endpoint, without one the second (gen4.5 does both). */
    endpoints: readonly [TRunwayEndpoint, ...TRunwayEndpoint[]]
    /** Credits per output image by resolution, for stills priced per image rather than per second. */
    creditsPerImage?: Readonly<Record<string, number>>
    /** One credit per this many characters of the prompt, rounded up (text to speech). */
    charactersPerCredit?: number
    /** One credit per this many seconds of output, rounded up (sound effects). */
    secondsPerCredit?: number
  }
  /**
   * Set when Runway has taken the model off its API: it stays in the catalogue so past
   * generations keep their name and price, and shows as unavailable with this reason.
   */
  retired?: string
}

export const RUNWAY_MODELS = {
  'gen4.5': {
    id: 'gen4.5',
    label: 'Gen-4.5 (Runway)',
    kind: 'image_to_video',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZGen45Params,
    creditsPerSecond: 12,
    description: "Runway's Gen-4.5: text or a reference image to video, 2–10 s.",
    runway: { endpoints: ['image_to_video', 'text_to_video'] },
  },
  gen4_turbo: {
    id: 'gen4_turbo',
    label: 'Gen-4 Turbo (Runway)',
    kind: 'image_to_video',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: true,
    params: ZGen4TurboParams,
    creditsPerSecond: 5,
    description: "Runway's fast Gen-4: a reference image to video, 2–10 s.",
    runway: { endpoints: ['image_to_video'] },
  },
  gen4_image: {
    id: 'gen4_image',
    label: 'Gen-4 Image (Runway)',
    kind: 'text_to_image',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZGen4ImageParams,
    creditsPerSecond: 5,
    description: "Runway's Gen-4 Image: a still from text, optionally with up to 3 references; 5 credits at 720p, 8 at 1080p.",
    runway: { endpoints: ['text_to_image'], creditsPerImage: { '720p': 5, '1080p': 8 } },
  },
  gen4_image_turbo: {
    id: 'gen4_image_turbo',
    label: 'Gen-4 Image Turbo (Runway)',
    kind: 'text_to_image',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: true,
    params: ZGen4ImageTurboParams,
    creditsPerSecond: 2,
    description: "Runway's fast Gen-4 Image: a still from text and at least one reference.",
    runway: { endpoints: ['text_to_image'], creditsPerImage: { default: 2 } },
  },
  aleph2: {
    id: 'aleph2',
    label: 'Aleph (Runway)',
    kind: 'video_edit',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: true,
    params: ZAleph2Params,
    creditsPerSecond: 15,
    description: "Runway's Aleph: edits an existing clip from a prompt.",
    runway: { endpoints: ['video_to_video'] },
  },
  act_two: {
    id: 'act_two',
    label: 'Act-Two (Runway)',
    kind: 'performance',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: true,
    params: ZActTwoParams,
    creditsPerSecond: 5,
    description: "Runway's Act-Two: a character (first reference) driven by a performance clip (second reference).",
    runway: { endpoints: ['character_performance'] },
  },
  // Runway's audio models (ElevenLabs' models behind Runway's task API): the output is an MP3.
  // Prices are Runway's published credits: speech 1 credit per 50 characters, sound effects
  // 1 credit per 6 seconds (both rounded up, at least 1).
  eleven_multilingual_v2: {
    id: 'eleven_multilingual_v2',
    label: 'Speech (Runway)',
    kind: 'text_to_speech',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZTextToSpeechParams,
    creditsPerSecond: 0,
    description: 'ElevenLabs Multilingual v2 through Runway: the prompt spoken by a preset voice, up to 1000 characters; 1 credit per 50 characters.',
    runway: { endpoints: ['text_to_speech'], charactersPerCredit: 50 },
  },
  eleven_text_to_sound_v2: {
    id: 'eleven_text_to_sound_v2',
    label: 'Sound effect (Runway)',
    kind: 'sound_effect',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: false,
    params: ZSoundEffectParams,
    creditsPerSecond: 0,
    description: 'ElevenLabs Text to Sound v2 through Runway: a sound effect from a description, 1–30 s, optionally looping; 1 credit per 6 seconds.',
    runway: { endpoints: ['sound_effect'], secondsPerCredit: 6 },
  },
  upscale_v1: {
    id: 'upscale_v1',
    label: 'Upscale 4× (Runway)',
    kind: 'upscale',
    backend: 'runway',
    taskQueue: 'hosted',
    needsReference: true,
    params: ZRunwayUpscaleParams,
    creditsPerSecond: 2,
    description: "Runway's video upscaler: 4× up to 4K, clips up to 40 s.",
    runway: { endpoints: ['video_upscale'] },
    // @runwayml/sdk 3.12.0 (2026-01-17): "Sunset upscale endpoint"; the video_upscale endpoint
    // that came back in 4.4.0 takes other models (magnific_video_upscaler_creative), not this one.
    retired: 'Runway retired its upscale_v1 upscaler in January 2026; use the local Upscale edit (2× or 4×).',
  },
} as const satisfies Record<string, TRunwayModelDefinition>

export type TRunwayModelId = keyof typeof RUNWAY_MODELS
export const RUNWAY_MODEL_IDS = Object.keys(RUNWAY_MODELS) as [TRunwayModelId, ...TRunwayModelId[]]

export function isRunwayModel(id: string): id is TRunwayModelId {
  return Object.hasOwn(RUNWAY_MODELS, id)
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

/**
 * Checks a Runway generation's prompt and images against what Runway's API takes for its model
 * (`@runwayml/sdk` types: Gen-4.5 and the Gen-4 Image models require `promptText`; Gen-4.5's
 * text_to_video is 16:9 or 9:16 only). Generate calls it before anything is stored; the adapter
 * calls it again before a task is created.
 */
export function runwayInputProblem(model: TRunwayModelId, input: { prompt: string; aspectRatio?: string; imageCount: number }): TRunwayInputProblem | null {
  const { label } = RUNWAY_MODELS[model]
  const needsPrompt = model === 'gen4.5' || model === 'gen4_image' || model === 'gen4_image_turbo' || isRunwayAudioModel(model)
  if (needsPrompt && !input.prompt.trim()) {
    const what = model === 'eleven_multilingual_v2' ? ' (the words to speak)' : model === 'eleven_text_to_sound_v2' ? ' (the sound to make)' : ''
    return { field: 'prompt', message: `prompt: ${label} needs a prompt${what}.` }
  }
  if (model === 'eleven_multilingual_v2' && input.prompt.trim().length > RUNWAY_SPEECH_MAX_CHARS) {
    return { field: 'prompt', message: `prompt: ${label} speaks at most ${RUNWAY_SPEECH_MAX_CHARS} characters; this prompt has ${input.prompt.trim().length}.` }
  }
  if (model === 'gen4.5' && input.imageCount === 0 && input.aspectRatio === '1:1') {
    return { field: 'params.aspectRatio', message: 'params.aspectRatio: Gen-4.5 makes 1:1 clips only from a reference image; pick 16:9 or 9:16, or link a reference.' }
  }
  return null
}
