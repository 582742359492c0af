import { describe, expect, it } from 'vitest'
import { generationWorkflowId, roleCan, temporalWorkflowUrl } from '../src'

describe('the Workflow link of a failed card', () => {
  it('points at the workflow in the Temporal UI, its id encoded', () => {
    expect(temporalWorkflowUrl({ url: 'http://127.0.0.1:8233/', namespace: 'default' }, generationWorkflowId('7c9e6679-7425-40de-944b-e07fc1f90ae7'))).toBe(
      'http://127.0.0.1:8233/namespaces/default/workflows/generation%2F7c9e6679-7425-40de-944b-e07fc1f90ae7',
    )
    expect(temporalWorkflowUrl({ url: 'https://cloud.temporal.io', namespace: 'montage.a1b2c' }, 'generation/x')).toBe('https://cloud.temporal.io/namespaces/montage.a1b2c/workflows/generation%2Fx')
  })

  it('is for owners and producers, who run the jobs', () => {
    expect(roleCan('owner', 'job.inspect')).toBe(true)
    expect(roleCan('producer', 'job.inspect')).toBe(true)
    expect(roleCan('editor', 'job.inspect')).toBe(false)
    expect(roleCan('reviewer', 'job.inspect')).toBe(false)
  })
})
