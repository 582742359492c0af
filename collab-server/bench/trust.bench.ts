/**
 * `npm run bench -- trust`: the trust load (`trust-load.ts`, the same as `npm run soak` asserts on):
 * 180 honest editors on 20 boards alone, then beside 20 misbehaving clients.
 */
import { runTrustLoad } from './trust-load'

type TEntry = { value: number; unit: string; peer?: { name: string; value: number }; ratio?: number }

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits
const MiB = 1024 * 1024
const ALONE = '180 honest editors alone'
const KEY = '200_connections_20_misbehaving'

export default async function trustBench(): Promise<Record<string, TEntry>> {
  const r = await runTrustLoad()
  const { baseline: alone, underAttack: attacked } = r
  const compared = (value: number, peer: number, unit: string, digits = 2): TEntry => ({
    value: round(value, digits),
    unit,
    peer: { name: ALONE, value: round(peer, digits) },
    ratio: round(value / peer, 3),
  })
  const seconds = r.durationMs / 1000
  return {
    [`trust.latency_p50_ms.${KEY}`]: compared(attacked.latencyP50Ms, alone.latencyP50Ms, 'ms'),
    [`trust.latency_p99_ms.${KEY}`]: compared(attacked.latencyP99Ms, alone.latencyP99Ms, 'ms'),
    [`trust.server_rss_peak_mib.${KEY}`]: compared(attacked.peakRssBytes / MiB, alone.peakRssBytes / MiB, 'MiB', 1),
    [`trust.server_cpu_cores.${KEY}`]: compared(attacked.serverCpuShare, alone.serverCpuShare, 'cores'),
    [`trust.server_loop_delay_p99_ms.${KEY}`]: compared(attacked.serverLoopDelayP99Ms, alone.serverLoopDelayP99Ms, 'ms', 1),
    [`trust.client_loop_delay_p99_ms.${KEY}`]: compared(attacked.honestClientsLoopDelayP99Ms, alone.honestClientsLoopDelayP99Ms, 'ms', 1),
    [`trust.edits_sent_share.${KEY}`]: compared(attacked.sentEdits / attacked.intendedEdits, alone.sentEdits / alone.intendedEdits, 'share of intended', 3),
    [`trust.state_encodes_per_s.${KEY}`]: { value: round(attacked.stats.stateEncodes / seconds, 1), unit: 'encodes/s' },
    [`trust.misbehaving_closed.${KEY}`]: { value: Object.values(attacked.misbehaverCloses).reduce((n, c) => n + c, 0), unit: 'connections' },
    [`trust.presence_dropped_per_s.${KEY}`]: { value: round(attacked.stats.presenceDropped / seconds, 1), unit: 'frames/s' },
  }
}
