import { describe, expect, it } from 'vitest'
import { parseInput, runwayInputProblem, runwayInputsTaken, ZAleph2Params, ZBoardAssetListQuery, ZCommentListQuery } from '../src'

describe('runwayInputProblem: what Runway refuses that a param schema cannot see', () => {
  it('needs a prompt for Gen-4.5 and the Gen-4 Image models, not for Gen-4 Turbo', () => {
    expect(runwayInputProblem('gen4.5', { prompt: '  ', linked: 1, tagged: 0 })).toEqual({ field: 'prompt', message: 'prompt: Gen-4.5 (Runway) needs a prompt.' })
    expect(runwayInputProblem('gen4_image_turbo', { prompt: '', linked: 1, tagged: 0 })).toMatchObject({ field: 'prompt' })
    expect(runwayInputProblem('gen4_turbo', { prompt: '', linked: 1, tagged: 0 })).toBeNull()
  })

  it('takes a 1:1 Gen-4.5 clip only from a reference image', () => {
    expect(runwayInputProblem('gen4.5', { prompt: 'a lighthouse', aspectRatio: '1:1', linked: 0, tagged: 0 })).toMatchObject({ field: 'params.aspectRatio', message: expect.stringMatching(/1:1 clips only from a reference image/) })
    expect(runwayInputProblem('gen4.5', { prompt: 'a lighthouse', aspectRatio: '1:1', linked: 1, tagged: 0 })).toBeNull()
    expect(runwayInputProblem('gen4.5', { prompt: 'a lighthouse', aspectRatio: '9:16', linked: 0, tagged: 0 })).toBeNull()
  })
})

describe('runwayInputProblem: the new models and keyframes', () => {
  it('needs a prompt for Veo and Seedance only without an image', () => {
    expect(runwayInputProblem('veo3.1', { prompt: '', linked: 0, tagged: 0 })).toEqual({ field: 'prompt', message: 'prompt: Veo 3.1 (Runway) needs a prompt without an image.' })
    expect(runwayInputProblem('veo3.1_fast', { prompt: '', linked: 1, tagged: 0 })).toBeNull()
    expect(runwayInputProblem('seedance2', { prompt: ' ', linked: 0, tagged: 0 })).toMatchObject({ field: 'prompt' })
    expect(runwayInputProblem('gpt_image_2', { prompt: '', linked: 2, tagged: 0 })).toMatchObject({ field: 'prompt' })
  })

  it('needs two images for a first and a last frame', () => {
    expect(runwayInputProblem('veo3.1', { prompt: 'dawn', keyframes: 'first_last', linked: 1, tagged: 0 })).toEqual({
      field: 'references',
      message: 'references: Veo 3.1 (Runway) needs two images for a first and a last frame; this shot has 1.',
    })
    expect(runwayInputProblem('veo3.1', { prompt: 'dawn', keyframes: 'first_last', linked: 1, tagged: 1 })).toBeNull()
  })

  it("refuses more @tags than an image model takes, and Aleph keyframes without their images", () => {
    expect(runwayInputProblem('gemini_2.5_flash', { prompt: '@a @b @c @d', linked: 0, tagged: 4 })).toMatchObject({ field: 'references', message: expect.stringMatching(/at most 3 reference images; this shot has 4/) })
    expect(runwayInputProblem('gpt_image_2', { prompt: 'x', linked: 0, tagged: 16 })).toBeNull()
    expect(runwayInputProblem('aleph2', { prompt: 'night', keyframes: 3, linked: 2, tagged: 1 })).toMatchObject({ field: 'params.keyframes', message: expect.stringMatching(/asked for 3 keyframes but has 2 images after the clip/) })
    expect(runwayInputProblem('aleph2', { prompt: 'night', keyframes: 2, linked: 2, tagged: 1 })).toBeNull()
  })
})

describe('runwayInputsTaken: what a model receives, which is what its variation lists', () => {
  // A Gen-4.5 shot with two @tags sent one image and listed both.
  it('Gen-4.5 takes one image: the first linked, else the first @tag', () => {
    expect(runwayInputsTaken('gen4.5', {}, { linked: 0, tagged: 2 })).toEqual({ linked: 0, tagged: 1 })
    expect(runwayInputsTaken('gen4.5', {}, { linked: 2, tagged: 2 })).toEqual({ linked: 1, tagged: 0 })
    expect(runwayInputsTaken('gen4.5', {}, { linked: 0, tagged: 0 })).toEqual({ linked: 0, tagged: 0 })
  })

  it('Veo and Seedance take a second image only for a last frame', () => {
    expect(runwayInputsTaken('veo3.1', { keyframes: 'first' }, { linked: 1, tagged: 2 })).toEqual({ linked: 1, tagged: 0 })
    expect(runwayInputsTaken('veo3.1', { keyframes: 'first_last' }, { linked: 1, tagged: 2 })).toEqual({ linked: 1, tagged: 1 })
    expect(runwayInputsTaken('seedance2', { keyframes: 'first_last' }, { linked: 3, tagged: 0 })).toEqual({ linked: 2, tagged: 0 })
  })

  it('image models take the @tags when the prompt names any, else the linked images', () => {
    expect(runwayInputsTaken('gen4_image', {}, { linked: 2, tagged: 1 })).toEqual({ linked: 0, tagged: 1 })
    expect(runwayInputsTaken('gen4_image', {}, { linked: 2, tagged: 0 })).toEqual({ linked: 2, tagged: 0 })
  })

  it('Aleph 2 takes its clip and as many keyframes as asked; Act-Two its character and performance; audio nothing', () => {
    expect(runwayInputsTaken('aleph2', { keyframes: 0 }, { linked: 3, tagged: 1 })).toEqual({ linked: 1, tagged: 0 })
    expect(runwayInputsTaken('aleph2', { keyframes: 3 }, { linked: 3, tagged: 2 })).toEqual({ linked: 3, tagged: 1 })
    expect(runwayInputsTaken('act_two', {}, { linked: 3, tagged: 1 })).toEqual({ linked: 2, tagged: 0 })
    expect(runwayInputsTaken('eleven_multilingual_v2', {}, { linked: 1, tagged: 1 })).toEqual({ linked: 0, tagged: 0 })
  })
})

describe('Aleph 2 keyframe places', () => {
  it('takes one rising place per keyframe, and says which rule a bad list broke', () => {
    expect(runwayInputProblem('aleph2', { prompt: 'snow', keyframes: 2, keyframeAt: [0.2, 0.9], linked: 3, tagged: 0 })).toBeNull()
    expect(runwayInputProblem('aleph2', { prompt: 'snow', keyframes: 2, keyframeAt: [0.2], linked: 3, tagged: 0 })).toEqual({ field: 'params.keyframeAt', message: 'params.keyframeAt: give one position per keyframe (2); it has 1.' })
    expect(runwayInputProblem('aleph2', { prompt: 'snow', keyframes: 2, keyframeAt: [0.5, 0.5], linked: 3, tagged: 0 })).toMatchObject({ field: 'params.keyframeAt', message: expect.stringMatching(/must rise/) })
    expect(ZAleph2Params.safeParse({ keyframes: 1, keyframeAt: [1.5] }).success).toBe(false)
  })
})

describe('the paged lists\' queries', () => {
  it('name the parameter they refuse, an unknown one included', () => {
    const refusal = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        return { field: (e as { field?: string }).field, message: (e as Error).message }
      }
      return null
    }
    expect(refusal(() => parseInput(ZCommentListQuery, { colour: 'red' }))).toEqual({ field: 'colour', message: 'colour: is not something this request takes' })
    expect(refusal(() => parseInput(ZCommentListQuery, { variationId: 'nope' }))).toMatchObject({ field: 'variationId' })
    expect(refusal(() => parseInput(ZBoardAssetListQuery, { role: 'poster' }))).toMatchObject({ field: 'role' })
    expect(refusal(() => parseInput(ZBoardAssetListQuery, { limit: '0' }))).toMatchObject({ field: 'limit' })
    expect(parseInput(ZBoardAssetListQuery, { role: 'output', limit: '5' })).toEqual({ role: 'output', limit: 5 })
  })
})
