import { describe, expect, it } from 'vitest'
import { ZAleph2Params, runwayInputProblem } from '@montage/core'
import { aleph2Edit, defaultKeyframeAt } from '../lib/client/aleph2-keyframes'

const sha = (c: string) => c.repeat(64)

describe('the Aleph 2 edit the edit menu sends', () => {
  it('orders the picked images by their place in the clip and sends one position each', () => {
    const edit = aleph2Edit('  make it snow  ', [
      { shapeId: 'shape:late', assetSha256: sha('c'), at: 0.8 },
      { shapeId: 'shape:early', assetSha256: sha('a'), at: 0 },
      { shapeId: 'shape:middle', assetSha256: sha('b'), at: 0.35 },
    ])
    expect(edit).toEqual({
      model: 'aleph2',
      prompt: 'make it snow',
      params: { keyframes: 3, keyframeAt: [0, 0.35, 0.8] },
      references: [
        { shapeId: 'shape:early', assetSha256: sha('a') },
        { shapeId: 'shape:middle', assetSha256: sha('b') },
        { shapeId: 'shape:late', assetSha256: sha('c') },
      ],
    })
    // What the server checks it against: the model's schema and Runway's input rules (the clip first, then the images).
    if ('error' in edit) throw new Error(edit.error)
    const params = ZAleph2Params.parse(edit.params)
    expect(runwayInputProblem('aleph2', { prompt: edit.prompt, keyframes: params.keyframes, keyframeAt: params.keyframeAt, linked: 1 + edit.references.length, tagged: 0 })).toBeNull()
  })

  it('sends no keyframes when none is picked', () => {
    expect(aleph2Edit('night', [])).toEqual({ model: 'aleph2', prompt: 'night', params: { keyframes: 0 }, references: [] })
  })

  it('refuses a sixth keyframe, two at the same place, and a place outside the clip', () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ shapeId: `shape:k${i}`, assetSha256: sha('d'), at: i / 5 }))
    expect(aleph2Edit('x', six)).toEqual({ error: 'Aleph 2 takes at most 5 keyframes; 6 are picked.' })
    expect(aleph2Edit('x', [{ shapeId: 'shape:a', assetSha256: sha('a'), at: 0.5 }, { shapeId: 'shape:b', assetSha256: sha('b'), at: 0.5 }])).toMatchObject({ error: expect.stringMatching(/same place/) })
    expect(aleph2Edit('x', [{ shapeId: 'shape:a', assetSha256: sha('a'), at: 1.2 }])).toMatchObject({ error: expect.stringMatching(/between the first frame and the last/) })
  })

  it('places new picks at the start, the quarters and the end', () => {
    expect([0, 1, 2, 3, 4].map(defaultKeyframeAt)).toEqual([0, 0.25, 0.5, 0.75, 1])
  })
})
