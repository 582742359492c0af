'use client'

import { useEffect, type RefObject } from 'react'

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), video[controls], [tabindex]:not([tabindex="-1"]), [contenteditable="true"]'

/** Open modal layers, innermost last: only the innermost one keeps the keyboard. */
const open: HTMLElement[] = []

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0 && !el.closest('[inert]'))
}

/**
 * Keeps the keyboard inside a modal layer that is not a native <dialog> (the viewer, compare, the
 * edit and framing dialogs): focus moves into it when it opens (onto the layer itself unless a
 * field inside took it), Tab and Shift+Tab cycle through its controls and never leave it, and focus
 * returns to where it was when the layer closes. The layer needs `tabIndex={-1}`.
 */
export function useFocusTrap(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const root = ref.current
    if (!root) return
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null
    open.push(root)
    if (!root.contains(document.activeElement)) root.focus({ preventScroll: true })

    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Tab' || open[open.length - 1] !== root) return
      const items = focusables(root)
      if (items.length === 0) {
        e.preventDefault()
        root.focus({ preventScroll: true })
        return
      }
      const first = items[0]!
      const last = items[items.length - 1]!
      const active = document.activeElement
      const inside = active instanceof HTMLElement && root.contains(active) && active !== root
      if (e.shiftKey && (!inside || active === first)) {
        e.preventDefault()
        last.focus()
      } else if (!e.shiftKey && (!inside || active === last)) {
        e.preventDefault()
        first.focus()
      }
    }
    document.addEventListener('keydown', onKey, true)
    return () => {
      document.removeEventListener('keydown', onKey, true)
      const i = open.lastIndexOf(root)
      if (i >= 0) open.splice(i, 1)
      if (before?.isConnected && (root.contains(document.activeElement) || document.activeElement === document.body)) before.focus({ preventScroll: true })
    }
  }, [ref])
}
