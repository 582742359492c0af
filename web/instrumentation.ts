/** Next runs this once when the server starts. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { refuseDemoBeyondLoopback } = await import('./lib/server/refuse-demo-beyond-loopback')
  refuseDemoBeyondLoopback()
}
