'use client'

import dynamic from 'next/dynamic'
import type { BoardCanvasProps } from './BoardCanvas'

// tldraw and the websocket provider are browser-only.
const BoardCanvas = dynamic(() => import('./BoardCanvas'), {
  ssr: false,
  loading: () => (
    <div className="m-board">
      <div className="m-overlay">
        <span className="m-spinner m-spinner-lg" />
        <span className="muted">Loading canvas…</span>
      </div>
    </div>
  ),
})

export function BoardCanvasLoader(props: BoardCanvasProps) {
  return <BoardCanvas {...props} />
}
