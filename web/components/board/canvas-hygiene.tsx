'use client'

import { memo } from 'react'
import { DefaultMainMenu, DefaultMainMenuContent, TldrawUiMenuActionItem, TldrawUiMenuGroup, type TLUiOverrides } from 'tldraw'

/**
 * tldraw actions a Montage board does without: embeds and bookmarks (a board holds media cards),
 * image exports of the canvas (Montage's cards draw no SVG, so they would come out blank; delivery
 * has its own Export), pages (one board is one page), printing and debug mode. Taken out of the action table, they leave every menu and lose their shortcuts.
 */
export const ACTIONS_LEFT_OUT = [
  'insert-embed',
  'convert-to-embed',
  'convert-to-bookmark',
  'open-embed-link',
  'export-all-as-svg',
  'export-all-as-png',
  'export-as-svg',
  'export-as-png',
  'copy-as-svg',
  'copy-as-png',
  'move-to-new-page',
  'change-page-next',
  'change-page-prev',
  'print',
  'toggle-debug-mode',
] as const

/** What screen readers hear for Montage's cards (tldraw reads `tool.<type>` for a selected shape's kind). */
const SHAPE_NAMES: Record<string, string> = {
  'tool.shot': 'Shot',
  'tool.variation': 'Variation',
  'tool.reference': 'Reference',
  'tool.sequence': 'Sequence',
  'tool.sequence-clip': 'Sequence clip',
  'tool.sequence-audio': 'Sequence sound',
}

export const canvasHygiene: TLUiOverrides = {
  actions(_editor, actions) {
    const kept = { ...actions }
    for (const id of ACTIONS_LEFT_OUT) delete kept[id]
    return kept
  },
  translations: { en: SHAPE_NAMES },
}

/** The main menu: Montage's own actions first (library, sequence), then tldraw's edit, view, upload and preferences. */
export const MontageMainMenu = memo(function MontageMainMenu() {
  return (
    <DefaultMainMenu>
      <TldrawUiMenuGroup id="montage">
        <TldrawUiMenuActionItem actionId="toggle-library" />
        <TldrawUiMenuActionItem actionId="add-sequence" />
      </TldrawUiMenuGroup>
      <DefaultMainMenuContent />
    </DefaultMainMenu>
  )
})
