import { AppError, AppErrorCode } from '@montage/core'
import { ProcessError, runProcess } from './run-process'

/** A sound, as ffprobe sees it. */
export interface TAudioInfo {
  codec: string
  /** From the first packet's start to the end of the last, not the header's claim. */
  durationSeconds: number
  /** Whether the file also holds a picture (cover art) or a video stream. */
  hasVideo: boolean
}

/** Ten minutes of 48 kHz AAC is about 28,000 packets; this many lines of CSV stay small. */
const MAX_PROBE_BYTES = 32 << 20

/**
 * Probes a stored sound: its codec and its duration measured from its packets (an MP3's header
 * guesses from its first bitrate). Refuses, with a message naming `label`, a file ffprobe cannot
 * read or one without audio (UNSUPPORTED_MEDIA).
 */
export async function probeAudio(ffprobe: string, file: string, label: string, signal?: AbortSignal): Promise<TAudioInfo> {
  const run = async (args: string[]) => {
    try {
      return (await runProcess(ffprobe, ['-v', 'error', ...args, file], { signal, maxStdoutBytes: MAX_PROBE_BYTES })).stdout.toString('utf8')
    } catch (e) {
      if (e instanceof ProcessError) {
        const reason = e.stderr.trim().split('\n').at(-1)?.replace(`${file}: `, '') || e.message
        throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} is not a readable sound (${reason})`, { cause: e })
      }
      throw e
    }
  }
  const streams = JSON.parse(await run(['-show_entries', 'stream=codec_type,codec_name', '-of', 'json'])) as { streams?: { codec_type?: string; codec_name?: string }[] }
  const audio = streams.streams?.find((s) => s.codec_type === 'audio')
  if (!audio) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} has no audio stream`)
  let first = Infinity
  let end = -Infinity
  for (const line of (await run(['-select_streams', 'a:0', '-show_entries', 'packet=pts_time,dts_time,duration_time', '-of', 'csv=p=0'])).split('\n')) {
    const [pts, dts, duration] = line.split(',').map(Number)
    const start = Number.isFinite(pts) ? pts! : dts!
    if (!Number.isFinite(start)) continue
    first = Math.min(first, start)
    end = Math.max(end, start + (Number.isFinite(duration) ? duration! : 0))
  }
  const durationSeconds = end - first
  if (!(durationSeconds > 0)) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} has no audio packets`)
  return { codec: audio.codec_name ?? 'unknown', durationSeconds, hasVideo: streams.streams?.some((s) => s.codec_type === 'video') ?? false }
}
