import { describe, expect, it } from 'vitest'
import { parseEditModelJob, parseModelJob } from '@montage/core'
import { generationInput } from '../lib/server/generations/generation-input'

const sha = (c: string) => c.repeat(64)
const target = { generationId: 'g1', variationId: 'shape:v1', workspaceId: 'w1', boardId: 'b1', shotId: 'shape:shot1', userId: 'u1', credits: 60 }
const tag = (t: string, c: string) => ({ tag: t, assetSha256: sha(c), mimeType: 'image/png' })
const linked = (id: string, c: string, t?: string) => ({ shapeId: `shape:${id}`, assetSha256: sha(c), ...(t ? { tag: t } : {}) })

describe('generationInput: the workflow gets, and the variation lists, exactly what the model receives', () => {
  // A Gen-4.5 shot with two tags sent one image and listed both.
  it('Gen-4.5 with two @tags and nothing linked: one tag', () => {
    const input = generationInput(target, { request: { kind: 'shot', ...parseModelJob('gen4.5', { duration: 5 }), prompt: '@hero by @bottle', references: [] }, references: [tag('hero', 'a'), tag('bottle', 'b')] })
    expect(input.references).toEqual([tag('hero', 'a')])
    expect(input.referenceIds).toEqual([])
  })

  it('Gen-4.5 with a linked image and a @tag: the linked image only', () => {
    const input = generationInput(target, {
      request: { kind: 'shot', ...parseModelJob('gen4.5', { duration: 5 }), prompt: 'a walk past @bottle', references: [linked('plate', 'c'), linked('other', 'd')] },
      references: [tag('bottle', 'b')],
    })
    expect(input).toMatchObject({ referenceIds: ['shape:plate'], referenceAssets: [sha('c')], references: [] })
  })

  it('Veo with first and last frames: two images, linked first', () => {
    const input = generationInput(target, {
      request: { kind: 'shot', ...parseModelJob('veo3.1', { keyframes: 'first_last' }), prompt: 'dawn to dusk over @sea', references: [linked('dawn', 'c')] },
      references: [tag('sea', 'e'), tag('sky', 'f')],
    })
    expect(input).toMatchObject({ referenceIds: ['shape:dawn'], references: [tag('sea', 'e')] })
  })

  it('image models: the @tags when the prompt names any, the linked images otherwise; the local previz keeps all it was given', () => {
    const tagged = generationInput(target, { request: { kind: 'shot', ...parseModelJob('gen4_image', {}), prompt: '@hero', references: [linked('a', 'c')] }, references: [tag('hero', 'a')] })
    expect(tagged).toMatchObject({ referenceIds: [], references: [tag('hero', 'a')] })
    const previz = generationInput(target, { request: { kind: 'shot', ...parseModelJob('previz', { duration: 2 }), prompt: '', references: [linked('a', 'c'), linked('b', 'd')] }, references: [] })
    expect(previz.referenceIds).toEqual(['shape:a', 'shape:b'])
  })

  it("an Aleph 2 edit lists only the keyframe images it uses", () => {
    const input = generationInput(target, {
      request: { kind: 'edit', parentGenerationId: '00000000-0000-4000-8000-000000000001', ...parseEditModelJob('aleph2', { keyframes: 1 }), prompt: 'snow', references: [linked('k1', 'c'), linked('k2', 'd')] },
      source: { sha256: sha('f'), parentVariationId: 'shape:parent' },
    })
    expect(input).toMatchObject({ referenceIds: ['shape:k1'], referenceAssets: [sha('c')], sourceAssetSha256: sha('f') })
  })
})
