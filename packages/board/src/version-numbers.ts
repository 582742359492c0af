import * as Y from 'yjs'
import type { TLShape } from '@tldraw/tlschema'
import { getMeta, getRecords } from './doc'
import { VARIATION_SHAPE, type TVariationProps } from './shapes'

/**
 * `meta` key holding the highest version number a shot has given (`version:<shotId>`). Written by
 * the server only (the board's write policy refuses every meta key but `schema` from people), so a
 * number stays taken after its variation is deleted: a shot's next variation never reuses it.
 */
export function versionCounterKey(shotId: string): string {
  return `version:${shotId}`
}

/** A shot's next version number: above every number it gave and every variation of it on the board. */
export function nextVersion(doc: Y.Doc, shotId: string): number {
  return (highestVersions(doc, shotId).get(shotId) ?? 0) + 1
}

/**
 * The highest number each shot has given (of `only`, or of every shot): its counter, or a
 * variation's number where that is higher. One pass over the board.
 */
function highestVersions(doc: Y.Doc, only?: string): Map<string, number> {
  const highest = new Map<string, number>()
  const raise = (shotId: string, n: unknown) => {
    if (typeof n === 'number' && Number.isFinite(n) && n > (highest.get(shotId) ?? 0)) highest.set(shotId, n)
  }
  if (only !== undefined) raise(only, getMeta(doc).get(versionCounterKey(only)))
  else for (const [key, n] of getMeta(doc).entries()) if (key.startsWith(versionCounterKey(''))) raise(key.slice(versionCounterKey('').length), n)
  for (const val of getRecords(doc).values()) {
    if (val.typeName !== 'shape' || val.type !== VARIATION_SHAPE) continue
    const props = propsOf(val)
    if (typeof props?.shotId === 'string' && (only === undefined || props.shotId === only)) raise(props.shotId, props.version)
  }
  return highest
}

/** Remembers `n` as the highest number the shot has given. Call inside the writing transaction. */
export function rememberVersion(doc: Y.Doc, shotId: string, n: number): void {
  getMeta(doc).set(versionCounterKey(shotId), n)
}

/** Whether a variation still waits for its number (0, or stored before versions existed). */
function isUnnumbered(props: Partial<TVariationProps>): boolean {
  return props.version === undefined || props.version === 0
}

/**
 * The shot's unnumbered variations created before the one at `index` (lower z-index; placeholders
 * people placed whose first command has not come yet), in creation order. A variation being
 * numbered takes its number after these, so that the numbers follow creation order (a batch's
 * slots, left to right) whichever command arrives first, as `numberVariations` numbers on load.
 */
export function unnumberedBefore(doc: Y.Doc, shotId: string, index: string, id: string): TLShape[] {
  const out: TLShape[] = []
  for (const val of getRecords(doc).values()) {
    if (val.typeName !== 'shape' || val.type !== VARIATION_SHAPE || val.id === id) continue
    const props = propsOf(val)
    if (props?.shotId !== shotId || !isUnnumbered(props)) continue
    if (val.index < index || (val.index === index && val.id < id)) out.push(val as TLShape)
  }
  return out.sort(byCreation)
}

function byCreation(a: TLShape, b: TLShape): number {
  return a.index < b.index ? -1 : a.index > b.index ? 1 : a.id < b.id ? -1 : 1
}

/**
 * Numbers a board's unnumbered variations (stored before versions existed, or placed by a person
 * and not yet reached by a command), per shot in creation order: the shapes' z-order, as tldraw
 * and the board commands give each new shape the top index. One transaction under `origin`;
 * returns how many were numbered. A variation without a shot stays unnumbered.
 */
export function numberVariations(doc: Y.Doc, origin: unknown): number {
  const records = getRecords(doc)
  const unnumbered: TLShape[] = []
  for (const val of records.values()) {
    if (val.typeName !== 'shape' || val.type !== VARIATION_SHAPE) continue
    const props = propsOf(val)
    // A malformed record (stored before the write checks) is left as it is: loads skip it anyway.
    if (props && typeof props.shotId === 'string' && props.shotId !== '' && isUnnumbered(props)) unnumbered.push(val as TLShape)
  }
  if (unnumbered.length === 0) return 0
  unnumbered.sort(byCreation)
  const given = highestVersions(doc)
  doc.transact(() => {
    for (const shape of unnumbered) {
      const { shotId } = shape.props as TVariationProps
      const version = (given.get(shotId) ?? 0) + 1
      given.set(shotId, version)
      records.set(shape.id, { ...shape, props: { ...shape.props, version } } as TLShape)
    }
    for (const shotId of new Set(unnumbered.map((shape) => (shape.props as TVariationProps).shotId))) rememberVersion(doc, shotId, given.get(shotId)!)
  }, origin)
  return unnumbered.length
}

/** A record's props when they are an object; null for a malformed record. */
function propsOf(val: { props?: unknown }): Partial<TVariationProps> | null {
  return typeof val.props === 'object' && val.props !== null && !Array.isArray(val.props) ? (val.props as Partial<TVariationProps>) : null
}
