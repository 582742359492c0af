'use client'

import { useLibrary } from './LibraryContext'
import './library.css'

/** The top bar's Library button; L does the same. */
export function LibraryToggle() {
  const { open, setOpen, references } = useLibrary()
  return (
    <button
      type="button"
      className="m-btn m-btn-ghost m-library-toggle"
      aria-pressed={open}
      title="Reference library (L)"
      data-testid="library-toggle"
      onClick={() => setOpen(!open)}
    >
      Library{references.length > 0 ? ` · ${references.length}` : ''} <span className="m-kbd">L</span>
    </button>
  )
}
