import { describe, expect, it } from 'vitest'
import { listModels, modelAvailability } from '../src'

describe('model availability', () => {
  it('shows a model Runway has retired as unavailable with the reason, with or without a key', () => {
    for (const runwayConfigured of [true, false]) {
      expect(modelAvailability('upscale_v1', { runwayConfigured })).toEqual({ available: false, reason: expect.stringMatching(/Runway retired its upscale_v1 upscaler.*local Upscale edit/) })
    }
    expect(listModels({ runwayConfigured: true }).find((m) => m.id === 'upscale_v1')).toMatchObject({ available: false })
  })

  it('makes the live Runway models available once a key is set, and the local ones always', () => {
    expect(modelAvailability('aleph2', { runwayConfigured: true })).toEqual({ available: true })
    expect(modelAvailability('aleph2', { runwayConfigured: false })).toMatchObject({ available: false, reason: expect.stringMatching(/RUNWAYML_API_SECRET/) })
    expect(modelAvailability('previz', { runwayConfigured: false })).toEqual({ available: true })
  })
})
