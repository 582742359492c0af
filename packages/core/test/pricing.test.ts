import { describe, expect, it } from 'vitest'
import { AppError, jobCredits, parseEditModelJob, parseModelJob } from '../src'

describe('jobCredits', () => {
  it('prices local generations and Runway clips per output second', () => {
    expect(jobCredits({ model: 'previz', params: { duration: 5 } })).toBe(5)
    expect(jobCredits({ model: 'gen4_turbo', params: { duration: 4 } })).toBe(20)
    expect(jobCredits({ model: 'aleph2', params: { duration: 3 } })).toBe(45)
  })

  it('prices Runway stills per image, by resolution', () => {
    expect(jobCredits({ model: 'gen4_image', params: { duration: 1, resolution: '1080p' } })).toBe(8)
    expect(jobCredits({ model: 'gen4_image', params: { duration: 1, resolution: '720p' } })).toBe(5)
    expect(jobCredits({ model: 'gen4_image_turbo', params: {} })).toBe(2)
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
