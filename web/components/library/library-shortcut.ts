import type { TLUiOverrides } from 'tldraw'

/** L toggles the reference library (tldraw's line tool gives up its L; it stays in the toolbar). */
export function libraryShortcut(toggle: () => void): TLUiOverrides {
  return {
    actions(_editor, actions) {
      return { ...actions, 'toggle-library': { id: 'toggle-library', label: 'Reference library', kbd: 'l', readonlyOk: true, onSelect: toggle } }
    },
    tools(_editor, tools) {
      return tools.line ? { ...tools, line: { ...tools.line, kbd: undefined } } : tools
    },
  }
}
