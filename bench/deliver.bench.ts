/**
 * `npm run bench -- deliver`: what delivering a campaign costs, both parts in one run. First the
 * delivery package's peak memory (`deliver.package_peak_mb`, packages/delivery/bench: growth of
 * this process's resident set, so it runs before anything else has grown it), then the sequence
 * render against one plain ffmpeg command (`deliver.render_ms.*`, gpu-worker/bench). Each part
 * also runs alone: `deliver-package`, or this area.
 */
import type { BenchResults } from './bench-results'

export default async function deliverBench(): Promise<BenchResults> {
  const pkg = await (await import('../packages/delivery/bench/package.bench')).default()
  const render = await (await import('../gpu-worker/bench/sequence-render.bench')).default()
  return { ...pkg, ...render }
}
