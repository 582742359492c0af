/** Spend per day as an area chart, drawn as plain SVG (server-rendered; no chart library). */
export function SpendChart({ days }: { days: { day: string; credits: number }[] }) {
  const W = 880
  const H = 220
  const pad = { left: 44, right: 12, top: 12, bottom: 28 }
  const innerW = W - pad.left - pad.right
  const innerH = H - pad.top - pad.bottom
  const max = Math.max(1, ...days.map((d) => d.credits))
  const top = niceCeiling(max)
  const x = (i: number) => pad.left + (days.length <= 1 ? innerW / 2 : (i / (days.length - 1)) * innerW)
  // A day of net refunds (a release after the day's settle) would dip below the axis: drawn at zero.
  const y = (v: number) => pad.top + innerH - (Math.max(0, v) / top) * innerH
  const points = days.map((d, i) => `${x(i).toFixed(1)},${y(d.credits).toFixed(1)}`)
  const line = `M${points.join('L')}`
  const area = `${line}L${x(days.length - 1).toFixed(1)},${y(0)}L${x(0).toFixed(1)},${y(0)}Z`
  const ticks = [0, top / 2, top]
  const labelEvery = Math.max(1, Math.ceil(days.length / 8))
  const total = days.reduce((n, d) => n + d.credits, 0)
  const busiest = days.reduce((b, d) => (d.credits > b.credits ? d : b), days[0] ?? { day: '', credits: 0 })

  return (
    <svg className="spend-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="spend-chart-title" data-testid="spend-chart" data-days={days.length}>
      <title id="spend-chart-title">
        {days.length === 0 ? 'No spend in this range' : `${total} credits spent from ${days[0]!.day} to ${days.at(-1)!.day}; most on ${busiest.day} (${busiest.credits})`}
      </title>
      {ticks.map((t) => (
        <g key={t}>
          <line className={t === 0 ? 'axis' : 'grid'} x1={pad.left} x2={W - pad.right} y1={y(t)} y2={y(t)} />
          <text x={pad.left - 8} y={y(t) + 4} textAnchor="end">{formatCredits(t)}</text>
        </g>
      ))}
      {days.length > 0 && <path className="area" d={area} />}
      {days.length > 0 && <path className="line" d={line} />}
      {days.length <= 45 && days.map((d, i) => d.credits > 0 && <circle key={d.day} className="dot" cx={x(i)} cy={y(d.credits)} r={3}><title>{`${d.day}: ${d.credits} credits`}</title></circle>)}
      {days.map((d, i) => (i % labelEvery === 0 || i === days.length - 1) && (
        <text key={`l-${d.day}`} x={x(i)} y={H - 8} textAnchor={days.length > 1 && i === days.length - 1 ? 'end' : 'middle'}>{shortDay(d.day)}</text>
      ))}
    </svg>
  )
}

/** 1, 2 or 5 times a power of ten at or above `v`, so the axis reads in round numbers. */
function niceCeiling(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v))
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p
  return 10 * p
}

function formatCredits(v: number): string {
  return v >= 10_000 ? `${Math.round(v / 1000)}k` : String(Math.round(v))
}

function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' })
}
