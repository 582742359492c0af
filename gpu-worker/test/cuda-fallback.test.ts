import { expect, it } from 'vitest'
import { buildCropResizeGraph } from '../src/onnx/build-crop-resize-graph'
import { OnnxSessionCache } from '../src/onnx/OnnxSessionCache'

it('creates a session when cuda is asked for, falling back to CPU where CUDA cannot load', async () => {
  const warnings: string[] = []
  const cache = new OnnxSessionCache({ executionProvider: 'cuda', logger: { info: () => undefined, warn: (m) => warnings.push(m) } })
  const session = await cache.get('k', () => buildCropResizeGraph({ inWidth: 8, inHeight: 8, outWidth: 4, outHeight: 4 }))
  expect(session.inputNames).toEqual(['plate', 'roi'])
  // On a host without CUDA libraries (CI) this warns once; on a GPU host it does not warn.
  expect(warnings.length).toBeLessThanOrEqual(1)
  await cache.close()
})
