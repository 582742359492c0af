import { describe, expect, it } from 'vitest'
import { MODELS, MODEL_IDS } from '@montage/core'
import { paramFieldsFor, paramsForModel } from '../lib/client/model-param-fields'

const keys = (model: Parameters<typeof paramFieldsFor>[0]) => paramFieldsFor(model).map((f) => f.key)
const optionsOf = (model: Parameters<typeof paramFieldsFor>[0], key: string) => {
  const field = paramFieldsFor(model).find((f) => f.key === key)
  return field?.kind === 'select' ? field.options : undefined
}

describe('which shot fields a model takes', () => {
  it('previz: duration 2–10 s, aspect ratio, camera move and 720p or 1080p', () => {
    expect(keys('previz')).toEqual(['duration', 'aspectRatio', 'cameraMove', 'resolution'])
    expect(optionsOf('previz', 'resolution')).toEqual(['720p', '1080p'])
    expect(optionsOf('previz', 'duration')).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(optionsOf('previz', 'aspectRatio')).toEqual(['16:9', '9:16', '1:1'])
  })

  it('Gen-4 Image: no duration and no camera, but a resolution', () => {
    expect(keys('gen4_image')).toEqual(['aspectRatio', 'resolution'])
    expect(optionsOf('gen4_image', 'resolution')).toEqual(['720p', '1080p'])
    expect(keys('gen4_image_turbo')).toEqual(['aspectRatio'])
  })

  it('speech: only a voice (no aspect, no duration: its length is its words); a sound effect: 1–30 s and loop, no aspect', () => {
    expect(keys('eleven_multilingual_v2')).toEqual(['voice'])
    expect(optionsOf('eleven_multilingual_v2', 'voice')).toContain('Maya')
    expect(paramsForModel('eleven_multilingual_v2', { duration: 5, aspectRatio: '16:9', cameraMove: 'push_in' })).toEqual({ voice: 'Maya' })
    expect(keys('eleven_text_to_sound_v2')).toEqual(['duration', 'loop'])
    expect(optionsOf('eleven_text_to_sound_v2', 'duration')).toHaveLength(30)
    expect(paramsForModel('eleven_text_to_sound_v2', { duration: 8, aspectRatio: '9:16' })).toEqual({ duration: 8, loop: false })
  })

  // Act-Two was charged by a duration the client chose, not by its performance clip.
  it('Act-Two: no duration (its performance clip sets it and its price), expression and body control', () => {
    expect(keys('act_two')).toEqual(['aspectRatio', 'expressionIntensity', 'bodyControl'])
    expect(optionsOf('act_two', 'expressionIntensity')).toEqual([1, 2, 3, 4, 5])
  })

  it('Veo and Seedance: their own durations, sound, and first or first-and-last keyframes; Aleph 2: up to five keyframes and no duration', () => {
    expect(keys('veo3.1')).toEqual(['duration', 'aspectRatio', 'keyframes', 'audio'])
    expect(optionsOf('veo3.1', 'duration')).toEqual([4, 6, 8])
    expect(optionsOf('veo3.1_fast', 'aspectRatio')).toEqual(['16:9', '9:16'])
    expect(optionsOf('veo3.1', 'keyframes')).toEqual(['first', 'first_last'])
    expect(optionsOf('seedance2', 'duration')).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
    expect(keys('aleph2')).toEqual(['keyframes'])
    expect(optionsOf('aleph2', 'keyframes')).toEqual([0, 1, 2, 3, 4, 5])
    // @runwayml/sdk 4.20 takes a first frame only for Gen-4.5: no keyframes choice.
    expect(keys('gen4.5')).toEqual(['duration', 'aspectRatio'])
  })

  it('the image models and upscalers: quality, resolution, scale and look as each takes them', () => {
    expect(keys('gpt_image_2')).toEqual(['aspectRatio', 'quality'])
    expect(keys('gemini_image3_pro')).toEqual(['aspectRatio'])
    expect(keys('magnific_video_upscaler_creative')).toEqual(['resolution', 'flavor'])
    expect(optionsOf('magnific_video_upscaler_creative', 'resolution')).toEqual(['720p', '1k', '2k', '4k'])
    expect(optionsOf('magnific_precision_upscaler_v2', 'scaleFactor')).toEqual([2, 4])
  })

  it('no Runway model is offered a camera move', () => {
    for (const id of MODEL_IDS) if (MODELS[id].backend === 'runway') expect(keys(id)).not.toContain('cameraMove')
  })

  it("builds params every model's own (strict) schema accepts from whatever the shot holds", () => {
    const shot = { duration: 10, aspectRatio: '9:16', cameraMove: 'pan_left', resolution: '1080p', expressionIntensity: 9, bodyControl: false }
    for (const id of MODEL_IDS) {
      const parsed = MODELS[id].params.safeParse(paramsForModel(id, shot))
      expect(parsed.success, `${id}: ${parsed.error?.message}`).toBe(true)
    }
    expect(paramsForModel('gen4_image', shot)).toEqual({ aspectRatio: '9:16', resolution: '1080p' })
    // A value the model does not allow becomes the nearest it does.
    expect(paramsForModel('act_two', shot)).toEqual({ aspectRatio: '9:16', expressionIntensity: 5, bodyControl: false })
    expect(paramsForModel('veo3.1', shot)).toEqual({ duration: 8, aspectRatio: '9:16', keyframes: 'first', audio: false })
  })

  it("sends a 2.5D move's layers and a keyframed move's framings the shot holds, and only for those moves", () => {
    const layers = { source: 'region', region: { shape: 'rect', x: 0.3, y: 0.2, w: 0.4, h: 0.6 } }
    const keyframes = [
      { t: 0, x: 0, y: 0, size: 1 },
      { t: 1, x: 0.4, y: 0.3, size: 0.5 },
    ]
    const orbit = paramsForModel('previz', { duration: 4, aspectRatio: '16:9', cameraMove: 'orbit', layers, keyframes })
    expect(orbit).toEqual({ duration: 4, aspectRatio: '16:9', cameraMove: 'orbit', resolution: '720p', layers })
    expect(MODELS.previz.params.safeParse(orbit).success).toBe(true)
    expect(paramsForModel('previz', { duration: 4, cameraMove: 'keyframes', layers, keyframes })).toMatchObject({ cameraMove: 'keyframes', keyframes })
    expect(paramsForModel('previz', { duration: 4, cameraMove: 'pan_left', layers, keyframes })).not.toHaveProperty('layers')
    // An orbit with nothing drawn yet is sent as it is, and the schema says what is missing.
    const bare = MODELS.previz.params.safeParse(paramsForModel('previz', { duration: 4, cameraMove: 'orbit' }))
    expect(bare.error?.issues[0]?.message).toMatch(/needs layer information/)
  })
})
