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

  it("Act-Two: the performance's length up to 30 s, expression and body control", () => {
    expect(keys('act_two')).toEqual(['duration', 'aspectRatio', 'expressionIntensity', 'bodyControl'])
    expect(optionsOf('act_two', 'duration')).toHaveLength(30)
    expect(optionsOf('act_two', 'expressionIntensity')).toEqual([1, 2, 3, 4, 5])
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
    expect(paramsForModel('act_two', shot)).toMatchObject({ duration: 10, expressionIntensity: 5, bodyControl: false })
  })
})
