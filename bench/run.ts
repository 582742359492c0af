/**
 * `npm run bench [-- AREA…]`: runs the benchmark areas (all by default) and merges each result
 * into bench/results.json, one entry per key. The stack is already up (the montage entry does it).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { BenchResults } from './bench-results'

/** Each area is a module whose default export runs it and returns its entries. */
const AREAS: Record<string, () => Promise<{ default: () => Promise<BenchResults> }>> = {
  engine: () => import('../gpu-worker/bench/engine.bench'),
  boards: () => import('../collab-server/bench/boards.bench'),
  pipeline: () => import('./pipeline.bench'),
  trust: () => import('../collab-server/bench/trust.bench'),
  assets: () => import('../packages/assets/bench/assets.bench'),
  deliver: () => import('./deliver.bench'),
  'deliver-package': () => import('../packages/delivery/bench/package.bench'),
}

const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url))

const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const unknown = requested.filter((a) => !(a in AREAS))
if (unknown.length) {
  console.error(`Unknown bench area(s): ${unknown.join(', ')}. Known: ${Object.keys(AREAS).join(', ') || 'none yet'}`)
  process.exit(2)
}
const areas = requested.length ? requested : Object.keys(AREAS)
if (!areas.length) {
  console.error('No benchmark areas are defined yet.')
  process.exit(2)
}

let results: BenchResults = {}
try {
  results = JSON.parse(await readFile(RESULTS, 'utf8'))
} catch {
  // first run
}
for (const area of areas) {
  console.log(`[bench] ${area}`)
  const entries = await (await AREAS[area]!()).default()
  for (const [key, entry] of Object.entries(entries)) {
    results[key] = entry
    const peer = entry.peer ? `  (${entry.peer.name}: ${entry.peer.value} ${entry.unit}, ratio ${entry.ratio})` : ''
    console.log(`  ${key}: ${entry.value} ${entry.unit}${peer}`)
  }
  // Written after every area, so a later failure keeps what finished.
  const sorted = Object.fromEntries(Object.entries(results).sort(([a], [b]) => a.localeCompare(b)))
  await writeFile(RESULTS, JSON.stringify(sorted, null, 2) + '\n')
}
// Areas leave native handles behind (Temporal's runtime) that would keep the process alive.
process.exit(0)
