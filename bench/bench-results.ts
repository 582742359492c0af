/** One measurement as bench/results.json keeps it; every area's module returns these by key. */
export interface BenchEntry {
  value: number
  unit: string
  /** The same measurement of a peer (another engine, an ffmpeg filter chain) in the same run. */
  peer?: { name: string; value: number }
  /** ours / theirs, where a peer ran. */
  ratio?: number
}
export type BenchResults = Record<string, BenchEntry>
