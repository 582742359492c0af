import type { TGeneration } from './client'

const WIDTH = 28
const FINAL = new Set(['succeeded', 'failed', 'cancelled'])

/**
 * Where the brief's generations are: a bar of finished ones and each one's state, redrawn in place
 * on a terminal; elsewhere (a log, CI) one line each time something changes.
 */
export class ProgressView {
  private drawn = 0
  private last = ''

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly labels: Map<string, string>,
  ) {}

  update(generations: TGeneration[], elapsedMs: number): void {
    const done = generations.filter((g) => FINAL.has(g.status)).length
    const filled = generations.length ? Math.round((done / generations.length) * WIDTH) : WIDTH
    const head = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${generations.length} done · ${Math.round(elapsedMs / 1000)} s`
    const lines = [head, ...generations.map((g) => `  ${(this.labels.get(g.id) ?? g.id).padEnd(32).slice(0, 32)} ${g.status}${g.error ? ` — ${g.error}` : ''}`)]
    if (this.out.isTTY) {
      if (this.drawn) this.out.write(`\x1b[${this.drawn}A`)
      for (const line of lines) this.out.write(`\x1b[2K${line}\n`)
      this.drawn = lines.length
      return
    }
    const states = lines.slice(1).join('\n')
    if (states !== this.last) {
      this.out.write(`${head}\n${states}\n`)
      this.last = states
    }
  }
}

export function isFinal(g: TGeneration): boolean {
  return FINAL.has(g.status)
}
