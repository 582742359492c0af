import { describe, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { jsonLengthBound } from '../src/guard/check-board-writes'

/** The bytes Yjs stores a record value as (ContentAny: lib0's writeAny), and the value read back. */
function encoded(value: unknown): { bytes: number; read: unknown } {
  const e = encoding.createEncoder()
  encoding.writeAny(e, value as never)
  const buf = encoding.toUint8Array(e)
  return { bytes: buf.byteLength, read: decoding.readAny(decoding.createDecoder(buf)) }
}

function random(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32)
}

/** Values built from what costs the most JSON per encoded byte. */
function worstValue(rand: () => number, depth: number): unknown {
  const pick = Math.floor(rand() * (depth > 3 ? 6 : 9))
  switch (pick) {
    case 0: return false
    case 1: return null
    case 2: return undefined
    case 3: return rand() < 0.5 ? -1.1754943508222875e-38 : -Number.MAX_VALUE
    case 4: return String.fromCharCode(...Array.from({ length: Math.floor(rand() * 20) }, () => Math.floor(rand() * 32)))
    case 5: return new Uint8Array(Math.floor(rand() * 300)).fill(255)
    case 6: return Array.from({ length: Math.floor(rand() * 50) }, () => worstValue(rand, depth + 1))
    case 7: return Object.fromEntries(Array.from({ length: Math.floor(rand() * 20) }, (_, i) => [String.fromCharCode(i % 32), worstValue(rand, depth + 1)]))
    default: return [[], {}, '', 0, -0, NaN, true]
  }
}

describe('jsonLengthBound', () => {
  it('is at least the JSON length of values read from that many bytes, the costliest kinds included', () => {
    const cases: unknown[] = [
      Array(5_000).fill(false),
      Array(5_000).fill(null),
      Array(5_000).fill(undefined),
      '\u0001'.repeat(5_000),
      new Uint8Array(20_000).fill(255),
      new Uint8Array(200_000).fill(255),
      Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [String.fromCharCode(i % 32) + i, false])),
      { '': false },
      [],
      {},
    ]
    const rand = random(7)
    for (let i = 0; i < 300; i++) cases.push(worstValue(rand, 0))
    let tightest = 0
    for (const value of cases) {
      const { bytes, read } = encoded(value)
      const json = JSON.stringify(read)?.length ?? 0
      expect(json, JSON.stringify(read)?.slice(0, 80)).toBeLessThanOrEqual(jsonLengthBound(bytes))
      tightest = Math.max(tightest, json / jsonLengthBound(bytes))
    }
    // The bound is close for the worst of them: it would fail were any kind under-counted by a fifth.
    expect(tightest).toBeGreaterThan(0.8)
  })

  it('holds for a record sent as JSON text or its UTF-8 bytes, measured as the guard reads it (parsed, then written back)', () => {
    // Text that grows when parsed and written back: exponents, escapes, then the plain kinds.
    const texts = [
      `[${Array(3_000).fill('1e20').join(',')}]`,
      `[${Array(3_000).fill('1E2').join(',')}]`,
      `[${Array(3_000).fill('1e-6').join(',')}]`,
      `[${Array(3_000).fill('-0').join(',')}]`,
      JSON.stringify({ s: '\u0001'.repeat(5_000) }),
      `{"s":"${'\\u00e9'.repeat(3_000)}"}`,
      JSON.stringify(Array(5_000).fill(false)),
    ]
    for (const text of texts) {
      for (const val of [text, new TextEncoder().encode(text)]) {
        const { bytes, read } = encoded({ key: 'shape:x', val })
        const stored = (read as { val: string | Uint8Array }).val
        const json = JSON.stringify(JSON.parse(typeof stored === 'string' ? stored : new TextDecoder().decode(stored))).length
        expect(json, text.slice(0, 40)).toBeLessThanOrEqual(jsonLengthBound(bytes))
      }
    }
  })
})
