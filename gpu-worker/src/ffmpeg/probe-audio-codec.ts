import { runProcess } from './run-process'

/**
 * Whether a stored file carries sound: the codec of its first audio stream, or null when it has
 * none. A file ffprobe cannot read at all answers null too; callers that need sound say so.
 */
export async function probeAudioCodec(ffprobe: string, file: string, signal?: AbortSignal): Promise<string | null> {
  try {
    const { stdout } = await runProcess(ffprobe, ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file], { signal, maxStdoutBytes: 1 << 12 })
    const codec = stdout.toString('utf8').trim().split('\n')[0]?.trim()
    return codec || null
  } catch (e) {
    if (signal?.aborted) throw e
    return null
  }
}
