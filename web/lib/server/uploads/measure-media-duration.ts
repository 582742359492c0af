import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { withoutSource } from './without-source'

export type TMeasuredDuration = { ok: true; seconds: number; packets: number } | { ok: false; reason: 'too-long'; seconds: number } | { ok: false; reason: 'unreadable'; detail: string }

/**
 * A clip's duration as its packets say, not as its header declares (a WebM's header can claim
 * 5 s over an hour of frames): from the earliest timestamp to the end of the latest packet, over
 * every stream. Stops reading as soon as a packet ends past `maxSeconds` or there are more than
 * `maxPackets` (no honest clip of that length has so many).
 */
export async function measureMediaDuration(ffprobeBin: string, file: string, limits: { maxSeconds: number; maxPackets: number }): Promise<TMeasuredDuration> {
  const child = spawn(ffprobeBin, ['-v', 'error', '-show_entries', 'packet=pts_time,dts_time,duration_time', '-of', 'csv=p=0', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  let first = Infinity
  let end = -Infinity
  let packets = 0
  let verdict: TMeasuredDuration | null = null
  for await (const line of createInterface({ input: child.stdout })) {
    const [pts, dts, duration] = line.split(',').map((v) => Number(v))
    const start = Number.isFinite(pts) ? pts! : dts!
    if (!Number.isFinite(start)) continue
    packets++
    first = Math.min(first, start)
    end = Math.max(end, start + (Number.isFinite(duration) ? duration! : 0))
    if (end - first > limits.maxSeconds) verdict = { ok: false, reason: 'too-long', seconds: end - first }
    else if (packets > limits.maxPackets) verdict = { ok: false, reason: 'unreadable', detail: `more than ${limits.maxPackets} packets` }
    if (verdict) {
      child.kill('SIGKILL')
      break
    }
  }
  const code = await exited
  if (verdict) return verdict
  if (code !== 0 || packets === 0) return { ok: false, reason: 'unreadable', detail: withoutSource(stderr.trim().split('\n').at(-1) ?? '', file) || 'no packets' }
  return { ok: true, seconds: end - first, packets }
}
