/**
 * The web process's own counters, set by `web/server.ts` and read by route code. Next bundles route
 * code apart from server.ts, so they meet on a global (as `context.ts`'s dependencies do); route
 * code only calls them, and nothing is counted where no server set them (tests calling a route
 * function directly).
 */
export interface TWebMetrics {
  credits(kind: 'reserved' | 'settled' | 'released', amount: number): void
}

const key = Symbol.for('montage.web.metrics')
const holder = globalThis as unknown as { [key]?: TWebMetrics }

export function setWebMetrics(metrics: TWebMetrics): void {
  holder[key] = metrics
}

export function webMetrics(): TWebMetrics | undefined {
  return holder[key]
}
