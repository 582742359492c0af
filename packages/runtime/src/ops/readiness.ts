/** One dependency a process needs to do its work; `check` rejects (or times out) when it does not answer. */
export interface TReadinessCheck {
  name: string
  check: () => Promise<unknown>
}

export interface TReadinessResult {
  ok: boolean
  /** Each check's outcome: `ok`, or why it failed. */
  checks: Record<string, 'ok' | string>
}

/** Runs every check at once, each bounded by `timeoutMs`, so one hung dependency cannot hang the probe. */
export async function runReadinessChecks(checks: readonly TReadinessCheck[], timeoutMs = 2_000): Promise<TReadinessResult> {
  const outcomes = await Promise.all(
    checks.map(async ({ name, check }) => {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
      })
      try {
        await Promise.race([check(), timeout])
        return [name, 'ok'] as const
      } catch (e) {
        return [name, e instanceof Error ? e.message || e.name : String(e)] as const
      } finally {
        clearTimeout(timer)
      }
    }),
  )
  return { ok: outcomes.every(([, v]) => v === 'ok'), checks: Object.fromEntries(outcomes) }
}
