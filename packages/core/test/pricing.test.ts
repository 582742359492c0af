import { describe, expect, it } from 'vitest'
import { AppError, jobCredits, parseEditModelJob, parseModelJob } from '../src'

describe('jobCredits', () => {
  it('prices local generations and Runway clips per output second', () => {
    expect(jobCredits({ model: 'previz', params: { duration: 5 } })).toBe(5)
    expect(jobCredits({ model: 'gen4_turbo', params: { duration: 4 } })).toBe(20)
    expect(jobCredits({ model: 'gen4.5', params: { duration: 10 } })).toBe(120)
  })

  it('prices Aleph 2 at 28 a second of the clip it edits, 56 at least, whatever duration a client sends', () => {
    expect(jobCredits({ model: 'aleph2', params: { keyframes: 0 }, sourceSeconds: 5 })).toBe(140)
    expect(jobCredits({ model: 'aleph2', params: { keyframes: 0 }, sourceSeconds: 4.2 })).toBe(140)
    expect(jobCredits({ model: 'aleph2', params: { keyframes: 0 }, sourceSeconds: 1 })).toBe(56)
    expect(jobCredits({ model: 'aleph2', params: { duration: 1 }, sourceSeconds: 3 })).toBe(84)
  })

  // A 5 s performance sent with duration: 1 was charged 5 credits for a 5 s output.
  it("prices Act-Two by the performance clip's length, not by a duration the client sends", () => {
    expect(jobCredits({ model: 'act_two', params: { duration: 1 }, sourceSeconds: 5 })).toBe(25)
    expect(jobCredits({ model: 'act_two', params: {}, sourceSeconds: 12.5 })).toBe(65)
  })

  it('prices the Magnific video upscaler per output frame, by resolution', () => {
    // 2 s at 24 fps = 48 frames: 1 credit a frame at 2K, 2 at 4K, half at 720p.
    expect(jobCredits({ model: 'magnific_video_upscaler_creative', params: { resolution: '2k' }, sourceSeconds: 2, sourceFps: 24 })).toBe(48)
    expect(jobCredits({ model: 'magnific_video_upscaler_creative', params: { resolution: '4k' }, sourceSeconds: 2, sourceFps: 24 })).toBe(96)
    expect(jobCredits({ model: 'magnific_video_upscaler_creative', params: { resolution: '720p' }, sourceSeconds: 2, sourceFps: 25 })).toBe(25)
    // A clip whose frame rate is not known is reserved at the highest rate we take.
    expect(jobCredits({ model: 'magnific_video_upscaler_creative', params: { resolution: '2k' }, sourceSeconds: 2 })).toBe(120)
  })

  it('prices Veo by its seconds, higher with sound; images by quality or scale', () => {
    expect(jobCredits({ model: 'veo3.1', params: { duration: 8, audio: false } })).toBe(160)
    expect(jobCredits({ model: 'veo3.1', params: { duration: 8, audio: true } })).toBe(320)
    expect(jobCredits({ model: 'veo3.1_fast', params: { duration: 4, audio: true } })).toBe(60)
    expect(jobCredits({ model: 'gpt_image_2', params: { duration: 1, quality: 'low' } })).toBe(3)
    expect(jobCredits({ model: 'gpt_image_2', params: { duration: 1, quality: 'high' } })).toBe(30)
    expect(jobCredits({ model: 'magnific_precision_upscaler_v2', params: { scaleFactor: 4 } })).toBe(20)
  })

  it('prices Runway stills per image, by resolution', () => {
    expect(jobCredits({ model: 'gen4_image', params: { duration: 1, resolution: '1080p' } })).toBe(8)
    expect(jobCredits({ model: 'gen4_image', params: { duration: 1, resolution: '720p' } })).toBe(5)
    expect(jobCredits({ model: 'gen4_image_turbo', params: {} })).toBe(2)
    expect(jobCredits({ model: 'gemini_2.5_flash', params: { duration: 1 } })).toBe(5)
  })

  it('prices local edits by the length of their source, a still counting as one second', () => {
    expect(jobCredits({ model: 'relight', params: {}, sourceSeconds: 0 })).toBe(1)
    expect(jobCredits({ model: 'restyle', params: {}, sourceSeconds: 4.2 })).toBe(5)
    expect(jobCredits({ model: 'upscale', params: { factor: 2 } })).toBe(1)
  })
})

describe('parseModelJob / parseEditModelJob', () => {
  it('returns the model with its parsed params (defaults filled in)', () => {
    expect(parseModelJob('previz', { duration: 2 })).toMatchObject({ model: 'previz', params: { duration: 2, resolution: '720p', easing: 'ease_in_out' } })
    expect(parseEditModelJob('relight', {})).toMatchObject({ model: 'relight', params: { preset: 'golden_hour', intensity: 0.8 } })
  })

  it('names the field of a bad param', () => {
    const failure = (fn: () => unknown) => {
      try {
        fn()
      } catch (e) {
        if (e instanceof AppError) return { field: e.field, message: e.message }
        throw e
      }
      throw new Error('expected a failure')
    }
    expect(failure(() => parseModelJob('gen4_turbo', { duration: 60 }))).toMatchObject({ field: 'params.duration', message: expect.stringMatching(/^params\.duration: Too big/) })
    expect(failure(() => parseEditModelJob('restyle', { preset: 'cubism' }))).toMatchObject({ field: 'params.preset' })
  })
})
