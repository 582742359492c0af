'use client'

import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import * as Y from 'yjs'
import { rewriteText, sharedTextKey } from '@montage/board/client'
import type { SharedTexts, TPeerCaret } from './SharedTexts'

/** The board's shared texts; null outside a live board (the field then edits its prop as before). */
export const SharedTextsContext = createContext<SharedTexts | null>(null)

type TField = HTMLInputElement | HTMLTextAreaElement

export interface TSharedTextBinding {
  value: string
  /** Whether edits merge with other people's (false: the prop is written as a whole, as before). */
  shared: boolean
  /** Other people's carets in this field. */
  carets: TPeerCaret[]
  ref: (el: TField | null) => void
  /** The field's new value after this person's edit; `caret` is where the edit ended (the selection's end by default). */
  onChange: (value: string, caret?: number) => void
  onSelect: () => void
  onFocus: () => void
  onBlur: () => void
  /** Undo and redo of this person's own typing in the field (Ctrl/Cmd+Z, Shift+Ctrl/Cmd+Z, Ctrl+Y). True when handled. */
  onKeyDown: (e: KeyboardEvent<TField>) => boolean
}

/**
 * Binds a text input to the shared text of one shape field: this person's edits become Y.Text
 * inserts and deletes at the caret (so that two people typing at once merge), someone else's edits
 * change the input in place with the caret kept where it was in the text, and undo takes back only
 * this person's typing. Without a shared text yet (a board stored before texts whose copy has not
 * heard from the collab-server, which makes them on load) the input shows and writes the prop.
 * `fallback` writes the prop there and where no board is live; `local` keeps the
 * field this person's own (the value lives in the hook).
 */
export function useSharedText(shapeId: string, field: string, prop: string, fallback: (value: string) => void, options?: { local?: boolean }): TSharedTextBinding {
  const board = useContext(SharedTextsContext)
  // A field this person may type in but not share (a reviewer's comment draft) stays their own.
  const texts = options?.local ? null : board
  const [text, setText] = useState<Y.Text | undefined>(() => texts?.get(shapeId, field))
  const [value, setValue] = useState(() => text?.toString() ?? prop)
  const [carets, setCarets] = useState<TPeerCaret[]>([])
  const element = useRef<TField | null>(null)
  const origin = useMemo(() => texts?.inputOrigin() ?? {}, [texts])
  const undo = useRef<Y.UndoManager | null>(null)
  // The selection to put back after React wrote a value into the field.
  const selection = useRef<{ start: number; end: number; direction: 'forward' | 'backward' | 'none' } | null>(null)

  // The text appears (made by this person, someone else, or a later load) or the board changes.
  useEffect(() => {
    if (!texts) {
      setText(undefined)
      return
    }
    const key = sharedTextKey(shapeId, field)
    const pick = () => setText(texts.get(shapeId, field))
    pick()
    const onKeys = (event: Y.YMapEvent<Y.Text>) => {
      if (event.keysChanged.has(key)) pick()
    }
    texts.texts.observe(onKeys)
    return () => texts.texts.unobserve(onKeys)
  }, [texts, shapeId, field])

  // Follow the text: someone else's edits move this person's caret as the text moved under it.
  useEffect(() => {
    if (!text || !texts) return
    setValue(text.toString())
    const manager = texts.undoManagerFor(text, origin)
    undo.current = manager
    const onText = (event: Y.YTextEvent, transaction: Y.Transaction) => {
      if (transaction.origin === origin) return
      const next = text.toString()
      const el = element.current
      if (el && el.value !== next) {
        const focused = document.activeElement === el
        const start = shiftThrough(event.delta, el.selectionStart ?? 0)
        const end = shiftThrough(event.delta, el.selectionEnd ?? 0)
        const direction = el.selectionDirection ?? 'none'
        // Written at once, so the next keystroke is read against the text as it is now.
        el.value = next
        if (focused) {
          el.setSelectionRange(start, end, direction)
          selection.current = { start, end, direction }
        }
      }
      setValue(next)
    }
    text.observe(onText)
    return () => {
      text.unobserve(onText)
      manager.destroy()
      if (undo.current === manager) undo.current = null
    }
  }, [text, texts, origin])

  // Without a text the field shows the prop (someone else's old client, the API).
  useEffect(() => {
    if (!text) setValue(prop)
  }, [text, prop])

  // Other people's carets in this field.
  useEffect(() => {
    if (!texts || !text) {
      setCarets([])
      return
    }
    const read = () => setCarets(texts.caretsIn(shapeId, field))
    read()
    texts.awareness.on('change', read)
    text.observe(read)
    return () => {
      texts.awareness.off('change', read)
      text.unobserve(read)
    }
  }, [texts, text, shapeId, field])

  useLayoutEffect(() => {
    const el = element.current
    const sel = selection.current
    selection.current = null
    if (el && sel && document.activeElement === el && (el.selectionStart !== sel.start || el.selectionEnd !== sel.end)) el.setSelectionRange(sel.start, sel.end, sel.direction)
  })

  const publishCaret = useCallback(() => {
    const el = element.current
    if (!texts || !el) return
    const current = texts.get(shapeId, field)
    if (!current || document.activeElement !== el) return
    const start = el.selectionStart ?? 0
    const end = el.selectionEnd ?? 0
    const backward = el.selectionDirection === 'backward'
    texts.setCaret({ shapeId, field, text: current, anchor: backward ? end : start, head: backward ? start : end })
  }, [texts, shapeId, field])

  const onChange = useCallback(
    (next: string, caret?: number) => {
      // This person typed after someone else's edit moved their caret and before React drew it: the
      // caret is where they typed now; putting back the one saved then would step it back, and their
      // next key would land before this one (keys of a fast typist came out of order under load).
      selection.current = null
      const el = element.current
      if (!texts || !texts.mayWrite(field)) {
        setValue(next)
        fallback(next)
        return
      }
      let wrote = false
      texts.edit(shapeId, field, origin, (t) => {
        rewriteText(t, next, caret ?? el?.selectionEnd ?? next.length)
        wrote = true
      })
      if (!wrote) {
        setValue(next)
        fallback(next)
        return
      }
      setValue(next)
      publishCaret()
    },
    [texts, shapeId, field, origin, fallback, publishCaret],
  )

  const onKeyDown = useCallback((e: KeyboardEvent<TField>): boolean => {
    const manager = undo.current
    const mod = e.metaKey || e.ctrlKey
    if (!manager || !mod) return false
    const key = e.key.toLowerCase()
    const isUndo = key === 'z' && !e.shiftKey
    const isRedo = (key === 'z' && e.shiftKey) || (key === 'y' && !e.metaKey)
    if (!isUndo && !isRedo) return false
    e.preventDefault()
    e.stopPropagation()
    if (isUndo) manager.undo()
    else manager.redo()
    return true
  }, [])

  const ref = useCallback((el: TField | null) => {
    element.current = el
  }, [])

  const onFocus = useCallback(() => publishCaret(), [publishCaret])

  const onBlur = useCallback(() => texts?.setCaret(null), [texts])

  const onSelect = useCallback(() => {
    // The person moved their caret themselves: theirs is the one to keep.
    selection.current = null
    publishCaret()
  }, [publishCaret])

  return { value, shared: !!texts && !!text, carets, ref, onChange, onSelect, onFocus, onBlur, onKeyDown }
}

/** Where an index goes when `delta` is applied before it: text inserted at the index itself stays after it. */
function shiftThrough(delta: Y.YTextEvent['delta'], index: number): number {
  let pos = 0
  let out = index
  for (const op of delta) {
    if (op.retain !== undefined) pos += op.retain
    else if (op.insert !== undefined) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1
      if (pos < out) out += length
      pos += length
    } else if (op.delete !== undefined) {
      if (pos < out) out = Math.max(pos, out - op.delete)
    }
  }
  return out
}
