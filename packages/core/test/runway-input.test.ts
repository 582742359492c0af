import { describe, expect, it } from 'vitest'
import { runwayInputProblem } from '../src'

describe('runwayInputProblem: what Runway refuses that a param schema cannot see', () => {
  it('needs a prompt for Gen-4.5 and the Gen-4 Image models, not for Gen-4 Turbo', () => {
    expect(runwayInputProblem('gen4.5', { prompt: '  ', imageCount: 1 })).toEqual({ field: 'prompt', message: 'prompt: Gen-4.5 (Runway) needs a prompt.' })
    expect(runwayInputProblem('gen4_image_turbo', { prompt: '', imageCount: 1 })).toMatchObject({ field: 'prompt' })
    expect(runwayInputProblem('gen4_turbo', { prompt: '', imageCount: 1 })).toBeNull()
  })

  it('takes a 1:1 Gen-4.5 clip only from a reference image', () => {
    expect(runwayInputProblem('gen4.5', { prompt: 'a lighthouse', aspectRatio: '1:1', imageCount: 0 })).toMatchObject({ field: 'params.aspectRatio', message: expect.stringMatching(/1:1 clips only from a reference image/) })
    expect(runwayInputProblem('gen4.5', { prompt: 'a lighthouse', aspectRatio: '1:1', imageCount: 1 })).toBeNull()
    expect(runwayInputProblem('gen4.5', { prompt: 'a lighthouse', aspectRatio: '9:16', imageCount: 0 })).toBeNull()
  })
})
