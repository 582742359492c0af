'use client'

const SHORTCUTS: [string, string][] = [
  ['Space', 'Play / pause'],
  ['← / →', 'One frame back / forward'],
  ['Shift + ← / →', 'One second back / forward'],
  ['I / O', 'Set the comment’s in / out point'],
  ['⌘/Ctrl + Enter', 'Send the comment'],
  ['Esc', 'Stop drawing, then close'],
  ['?', 'Show or hide this help'],
]

export function ShortcutHelp({ onClose, extra = [] }: { onClose: () => void; extra?: [string, string][] }) {
  return (
    <div className="m-shortcuts" data-testid="shortcut-help" role="dialog" aria-label="Keyboard shortcuts">
      <div className="m-shortcuts-head">
        <strong>Keyboard shortcuts</strong>
        <button type="button" className="m-chip-x" aria-label="Close help" onClick={onClose}>×</button>
      </div>
      <dl>
        {[...SHORTCUTS, ...extra].map(([k, v]) => (
          <div key={k}>
            <dt><kbd>{k}</kbd></dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  )
}
