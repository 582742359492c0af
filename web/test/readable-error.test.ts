import { describe, expect, it } from 'vitest'
import { readableError } from '../lib/client/readable-error'

describe('a failed card names the problem, not the API field', () => {
  it('drops a leading field name and capitalises what is left', () => {
    expect(readableError('backgroundSha256: the environment plate (asset 428811ac3083…) is no longer in the asset store')).toBe('The environment plate (asset 428811ac3083…) is no longer in the asset store')
    expect(readableError('params.aspectRatio: Gen-4.5 makes 1:1 clips only from a reference image')).toBe('Gen-4.5 makes 1:1 clips only from a reference image')
    expect(readableError('The render failed for an unknown reason.')).toBe('The render failed for an unknown reason.')
  })
})
