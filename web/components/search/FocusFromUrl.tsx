'use client'

import { useEffect, useState } from 'react'
import { useReview } from '@/components/review/ReviewContext'
import { focusTarget, targetFromLocation } from './board-target'

const WAIT_MS = 15_000

/**
 * Opens the board where a link points (`?focus=<shapeId>&thread=&t=`, from search results,
 * notifications and emails): once the shape has arrived from the server, the canvas zooms to it.
 * The address is cleaned afterwards, so a reload opens the board as left.
 */
export function FocusFromUrl() {
  const { editor, openViewer } = useReview()
  const [missing, setMissing] = useState(false)

  useEffect(() => {
    if (!editor) return
    const target = targetFromLocation(window.location.search)
    if (!target) return
    const started = Date.now()
    let done = false
    const clean = () => {
      const url = new URL(window.location.href)
      for (const k of ['focus', 'thread', 't']) url.searchParams.delete(k)
      window.history.replaceState(window.history.state, '', url.toString())
    }
    const tryFocus = () => {
      if (done) return
      if (focusTarget(editor, openViewer, target)) {
        done = true
        clean()
      } else if (Date.now() - started > WAIT_MS) {
        done = true
        clean()
        setMissing(true)
      }
    }
    tryFocus()
    const timer = setInterval(tryFocus, 250)
    return () => {
      done = true
      clearInterval(timer)
    }
  }, [editor, openViewer])

  if (!missing) return null
  return (
    <div className="m-search-missing" role="status" data-testid="focus-missing">
      That item is no longer on this board.
      <button type="button" className="m-link" onClick={() => setMissing(false)}>Dismiss</button>
    </div>
  )
}
