import { execFile, spawn } from 'node:child_process'
import { AppError, AppErrorCode, UPLOAD_LIMITS } from '@montage/core'
import { measureMediaDuration } from './measure-media-duration'
import { withoutSource } from './without-source'
import type { TUploadType } from './sniff-upload'

export interface TAudioFacts {
  durationMs: number
}

/**
 * Most packets a sound within the length limit may hold: 10 minutes of 48 kHz AAC is about 28,000
 * packets, of MP3 23,000, of WAV in 4 KB packets 28,000 (a WAV of that length is over the byte
 * limit anyway); a file past this is built to make the measuring slow.
 */
const MAX_PACKETS = 200_000

/** Decoded to this rate, mono, 16-bit, only to count what decodes: 16,000 bytes a second. */
const COUNT_RATE = 8000

/**
 * A sound must decode over at least this share of what its packets claim: a valid first frame
 * followed by garbage has packets that the demuxer reads but the decoder throws away.
 */
const MIN_DECODED_SHARE = 0.5

function audioStreams(bin: string, file: string): Promise<{ ok: true; codecs: string[] } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    execFile(bin, ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'json', file], { maxBuffer: 1 << 20, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) {
        resolve({ ok: false, reason: withoutSource(stderr.trim().split('\n').at(-1) ?? '', file) || error.message })
        return
      }
      try {
        const json = JSON.parse(stdout) as { streams?: { codec_type?: string; codec_name?: string }[] }
        resolve({ ok: true, codecs: (json.streams ?? []).filter((s) => s.codec_type === 'audio').map((s) => s.codec_name ?? 'unknown') })
      } catch {
        resolve({ ok: false, reason: 'ffprobe answered something that is not JSON' })
      }
    })
  })
}

/**
 * Seconds of the first audio stream that decode (counted from the samples ffmpeg writes), whether
 * ffmpeg found data it could not decode on the way, and its first complaint.
 */
function decodedSeconds(bin: string, file: string): Promise<{ seconds: number; damaged: boolean; reason: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, ['-v', 'error', '-nostdin', '-threads', '1', '-i', file, '-map', '0:a:0', '-ac', '1', '-ar', String(COUNT_RATE), '-f', 's16le', 'pipe:1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    })
    let bytes = 0
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (bytes += c.length))
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)))
    const reason = () => withoutSource(stderr.trim().split('\n').find((l) => l.trim())?.replace(/^\[[^\]]+\]\s*/, '') ?? '', file)
    child.on('error', (e) => resolve({ seconds: 0, damaged: true, reason: e.message }))
    // ffmpeg's own words for packets its decoder threw away, or input it gave up on.
    child.on('close', () => resolve({ seconds: bytes / 2 / COUNT_RATE, damaged: /Error while decoding|Invalid data found/.test(stderr), reason: reason() }))
  })
}

/**
 * Refuses a sound ffprobe cannot read, one with no audio stream, one over the length limit (its
 * duration measured from its packets, not taken from its header), or one whose audio does not
 * decode (a frame header or a tag followed by anything else: the decoder throws such packets away,
 * and ffmpeg says so). `source` is a local path or an
 * http(s) URL (the staged bytes in a bucket).
 */
export async function probeAudioUpload(bins: { ffprobe: string; ffmpeg: string }, source: string, type: TUploadType): Promise<TAudioFacts> {
  const damaged = (reason: string) => new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label} cannot be read: it is truncated or damaged (${reason}).`, { field: 'body' })
  const probe = await audioStreams(bins.ffprobe, source)
  if (!probe.ok) throw damaged(probe.reason)
  if (probe.codecs.length === 0) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label} has no audio stream.`, { field: 'body' })
  const max = UPLOAD_LIMITS.audioMaxSeconds
  const measured = await measureMediaDuration(bins.ffprobe, source, { maxSeconds: max, maxPackets: MAX_PACKETS })
  if (!measured.ok && measured.reason === 'too-long') {
    throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `The sound is over ${Math.floor(measured.seconds)} s long; sounds can be at most ${max / 60} minutes (${max} s).`, { field: 'body' })
  }
  if (!measured.ok) throw damaged(measured.detail)
  if (!(measured.seconds > 0)) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label} has no duration: it is truncated or damaged.`, { field: 'body' })
  const decoded = await decodedSeconds(bins.ffmpeg, source)
  if (decoded.seconds < measured.seconds * MIN_DECODED_SHARE || decoded.damaged) {
    const what =
      decoded.seconds === 0
        ? 'none of its audio decodes'
        : decoded.seconds < measured.seconds * MIN_DECODED_SHARE
          ? `only ${decoded.seconds.toFixed(2)} s of its ${measured.seconds.toFixed(2)} s decode`
          : 'part of its audio is not audio'
    throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The ${type.label} cannot be decoded: ${what}${decoded.reason ? ` (${decoded.reason})` : ''}.`, { field: 'body' })
  }
  return { durationMs: Math.round(measured.seconds * 1000) }
}
