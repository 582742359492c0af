'use client'

import { useMemo } from 'react'
import { useEditor, useValue, type TLShape } from 'tldraw'
import { ZReferenceTag } from '@montage/core'
import { useLibrary } from './LibraryContext'
import { PromptInput, type TTagOption } from './PromptInput'
import { useSharedText } from '@/components/shared-text/useSharedText'

type TShot = TLShape<'shot'>
type TReference = TLShape<'reference'>

/**
 * The shot's prompt with `@tag` autocomplete over the board's reference cards and the workspace
 * library. Picking a board reference also links it to the shot.
 */
export function ShotPrompt({ shape, readOnly }: { shape: TShot; readOnly: boolean }) {
  const editor = useEditor()
  const library = useLibrary()
  const update = (props: Partial<TShot['props']>) => editor.updateShape<TShot>({ id: shape.id, type: 'shot', props })
  // Edited together: two people typing in one prompt merge character by character.
  const prompt = useSharedText(shape.id, 'prompt', shape.props.prompt, (value) => update({ prompt: value }))

  const boardOptions = useValue(
    'board reference tags',
    () =>
      editor
        .getCurrentPageShapes()
        // Only tags a prompt can name: `@lighthouse-wide` would read as `@lighthouse`.
        .filter((s): s is TReference => s.type === 'reference' && ZReferenceTag.safeParse((s as TReference).props.tag).success)
        .map<TTagOption>((s) => ({
          tag: s.props.tag,
          thumbnailSha256: s.props.posterSha256 || (s.props.mimeType.startsWith('image/') ? s.props.assetSha256 : ''),
          source: 'board',
          shapeId: s.id,
        })),
    [editor],
  )
  const options = useMemo(() => {
    const onBoard = new Set(boardOptions.map((o) => o.tag))
    const fromLibrary = library.references
      .filter((r) => !onBoard.has(r.tag))
      .map<TTagOption>((r) => ({ tag: r.tag, name: r.name || undefined, thumbnailSha256: r.views[0]?.posterSha256 ?? (r.views[0]?.mimeType.startsWith('image/') ? r.views[0].sha256 : ''), source: 'library' }))
    // One option per tag: the board's card stands for the library entry of the same tag.
    const seen = new Set<string>()
    return [...boardOptions, ...fromLibrary].filter((o) => !seen.has(o.tag) && !!seen.add(o.tag))
  }, [boardOptions, library.references])

  return (
    <PromptInput
      value={prompt.value}
      binding={prompt}
      options={options}
      rows={3}
      maxLength={4000}
      disabled={readOnly}
      placeholder="Describe the shot: subject, action, light, lens… Type @ for a reference."
      data-testid="shot-prompt"
      onChange={prompt.onChange}
      onPick={(option) => {
        const current = editor.getShape<TShot>(shape.id)
        if (option.shapeId && current && !current.props.referenceIds.includes(option.shapeId)) update({ referenceIds: [...current.props.referenceIds, option.shapeId] })
      }}
    />
  )
}
