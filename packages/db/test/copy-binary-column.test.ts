import { describe, expect, it } from 'vitest'
import { parseBinaryCopyColumn } from '../src/copy-binary-column'

/** A binary COPY stream as PostgreSQL writes one (signature, flags, header extension, rows, trailer). */
function copyBytes(rows: (Uint8Array | null)[][], extension = new Uint8Array()): Uint8Array {
  const parts: number[] = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0]
  const int32 = (n: number) => parts.push((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255)
  const int16 = (n: number) => parts.push((n >>> 8) & 255, n & 255)
  int32(extension.length)
  parts.push(...extension)
  for (const row of rows) {
    int16(row.length)
    for (const value of row) {
      if (value === null) int32(-1)
      else {
        int32(value.length)
        parts.push(...value)
      }
    }
  }
  int16(-1)
  return Uint8Array.from(parts)
}

describe('parseBinaryCopyColumn', () => {
  it('reads each row\'s value in order, empty values and a header extension included', () => {
    const values = [Uint8Array.of(1, 2, 3), new Uint8Array(), Uint8Array.from({ length: 300 }, (_, i) => i % 256)]
    expect(parseBinaryCopyColumn(copyBytes(values.map((v) => [v]), Uint8Array.of(9, 9)), 'test')).toEqual(values)
    expect(parseBinaryCopyColumn(copyBytes([]), 'test')).toEqual([])
  })

  it('refuses what is not one column of values, naming what was read', () => {
    const good = copyBytes([[Uint8Array.of(1, 2, 3)]])
    expect(() => parseBinaryCopyColumn(good.subarray(0, good.length - 3), 'board b')).toThrow('reading board b: the database\'s binary COPY ends early')
    expect(() => parseBinaryCopyColumn(Uint8Array.of(...good.subarray(0, 4), 0, ...good.subarray(5)), 'b')).toThrow('does not start with its signature')
    expect(() => parseBinaryCopyColumn(copyBytes([[Uint8Array.of(1), Uint8Array.of(2)]]), 'b')).toThrow('a row of 2 fields')
    expect(() => parseBinaryCopyColumn(copyBytes([[null]]), 'b')).toThrow('a NULL value')
    expect(() => parseBinaryCopyColumn(new Uint8Array(), 'b')).toThrow('ends early')
  })
})
