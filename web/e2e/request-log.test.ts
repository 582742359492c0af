import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startE2EStack, type E2EStack } from './harness'

let stack: E2EStack

beforeAll(async () => {
  stack = await startE2EStack({ services: ['web'], env: { LOG_LEVEL: 'debug' } })
})
afterAll(async () => {
  await stack?.close()
})

/** web's JSON log lines so far. */
function webLines(): Record<string, unknown>[] {
  return stack.app.services.web!.recentOutput().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
}

describe('web logs with a request id', () => {
  it('answers each request with its own X-Request-Id, and the lines the route logs inside Next carry it', async () => {
    // A client's own id is replaced: ids in our logs are ours.
    const res = await fetch(`${stack.baseUrl}/api/me`, { headers: { 'X-Request-Id': 'forged' } })
    expect(res.status).toBe(401)
    const requestId = res.headers.get('x-request-id')
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
    const other = await fetch(`${stack.baseUrl}/api/me`)
    expect(other.headers.get('x-request-id')).not.toBe(requestId)

    // The refusal is logged by the route's error handler, in Next's server bundle.
    let line: Record<string, unknown> | undefined
    for (let i = 0; i < 50 && !line; i++) {
      line = webLines().find((l) => l.requestId === requestId)
      if (!line) await new Promise((r) => setTimeout(r, 100))
    }
    expect(line, stack.app.services.web!.recentOutput()).toMatchObject({ name: 'web', level: 'debug', code: 'UNAUTHORIZED', status: 401, msg: expect.stringMatching(/^refused: /) })
    expect(webLines().some((l) => l.requestId === 'forged')).toBe(false)
  })
})
