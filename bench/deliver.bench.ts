/**
 * `npm run bench -- deliver`: what delivering a campaign costs. The sequence render
 * (`deliver.render_ms.*`, gpu-worker/bench/sequence-render.bench.ts); the delivery package's peak
 * memory (`deliver.package_peak_mb`) is measured by its own part.
 */
import type { BenchResults } from './bench-results'

export default async function deliverBench(): Promise<BenchResults> {
  const render = await (await import('../gpu-worker/bench/sequence-render.bench')).default()
  return { ...render }
}
