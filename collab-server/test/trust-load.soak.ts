import { describe, expect, it } from 'vitest'
import { DEFAULT_CONNECTION_LIMITS } from '../src'
import { runTrustLoad, type TTrustPhase } from '../bench/trust-load'

const MiB = 1024 * 1024
const MAX_FRAME_BYTES = 10 * MiB

function summary(name: string, p: TTrustPhase): string {
  return `${name}: ${p.connections} connections, p50 ${p.latencyP50Ms.toFixed(1)} ms, p99 ${p.latencyP99Ms.toFixed(1)} ms over ${p.deliveries} deliveries, ` +
    `${p.sentEdits}/${p.intendedEdits} edits sent, server peak RSS ${(p.peakRssBytes / MiB).toFixed(0)} MiB, CPU (cores): server ${p.serverCpuShare.toFixed(2)}, honest clients ${p.honestClientsCpuShare.toFixed(2)}, misbehaving clients ${p.misbehavingClientsCpuShare.toFixed(2)}, event-loop delay p99 (ms): server ${p.serverLoopDelayP99Ms.toFixed(0)}, honest clients ${p.honestClientsLoopDelayP99Ms.toFixed(0)}, ` +
    `limits ${JSON.stringify(p.stats)}, misbehaving connections ${p.misbehaverConnections} closed ${JSON.stringify(p.misbehaverCloses)}`
}

describe('trust load', () => {
  it("200 connections of which 20 misbehave: the others' edit latency p99 stays within twice its value without them, and the server's memory stays bounded", async () => {
    const r = await runTrustLoad({ durationMs: Number(process.env.TRUST_SOAK_MS ?? 20_000) })
    console.log(`[trust] ${r.processes} load-generator processes for the honest editors, board ${(r.boardBytes / 1024).toFixed(0)} KiB\n${summary('alone', r.baseline)}\n${summary('with 20 misbehaving', r.underAttack)}`)

    // The load generator did make the load (otherwise the comparison says nothing).
    for (const p of [r.baseline, r.underAttack]) expect(p.sentEdits / p.intendedEdits).toBeGreaterThan(0.9)
    expect(r.underAttack.connections).toBe(200)
    expect(r.underAttack.latencyP99Ms).toBeLessThanOrEqual(2 * r.baseline.latencyP99Ms)
    // What the limits let 20 misbehaving connections hold: each may have a board plus the queue cap
    // queued and one frame in reading; the five that pile up held updates, the held cap too.
    const l = DEFAULT_CONNECTION_LIMITS
    const bound = 20 * (l.maxQueuedBytes + r.boardBytes + MAX_FRAME_BYTES) + 5 * l.maxHeldBytes + 64 * MiB
    expect(r.underAttack.peakRssBytes - r.baseline.peakRssBytes).toBeLessThanOrEqual(bound)
  })
})
