import { describe, expect, it } from 'vitest'
import { formatTimecode, parseTimecode, shortTimecode } from '../lib/client/timecode'

describe('timecode', () => {
  it('shows frames as HH:MM:SS:FF at the sequence rate', () => {
    expect(formatTimecode(0, 24)).toBe('00:00:00:00')
    expect(formatTimecode(24 * 4 + 12, 24)).toBe('00:00:04:12')
    expect(formatTimecode(25 * 61 + 3, 25)).toBe('00:01:01:03')
    expect(formatTimecode(30 * 3600 + 29, 30)).toBe('01:00:00:29')
  })

  it('shortens a clip length to SS:FF, keeping minutes once there are some', () => {
    expect(shortTimecode(24 * 2, 24)).toBe('02:00')
    expect(shortTimecode(25 * 61 + 3, 25)).toBe('01:01:03')
  })

  it('reads back what it shows, shorter forms and plain frame counts, and refuses what is not a timecode', () => {
    for (const frames of [0, 7, 24 * 4 + 12, 25 * 61 + 3]) expect(parseTimecode(formatTimecode(frames, 25), 25)).toBe(frames)
    expect(parseTimecode('48', 24)).toBe(48)
    expect(parseTimecode('02:10', 24)).toBe(58)
    expect(parseTimecode('00:01:12', 24)).toBe(36)
    expect(parseTimecode('00:02:24', 24)).toBeNull()
    expect(parseTimecode('1:xx', 24)).toBeNull()
    expect(parseTimecode('', 24)).toBeNull()
  })
})
