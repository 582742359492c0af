import type { TLBinding, TLRecord, TLShape } from '@tldraw/tlschema'
import type { BoardRecords, TRecordChange } from '../BoardRecords'
import { VARIATION_SHAPE } from '../shapes'

/**
 * Who refers to whom on one board, kept current from its record changes: the children of each
 * page or shape, the bindings of each shape, the approved variations of each shot, the number of
 * pages. What deleting a record would strand is then looked up, not searched for.
 */
export class BoardRelations {
  private readonly children = new Map<string, Set<string>>()
  private readonly bindings = new Map<string, Set<string>>()
  private readonly approved = new Map<string, Set<string>>()
  private pageCount = 0

  constructor(private readonly records: BoardRecords) {
    for (const record of records.values()) this.add(record)
    records.on('change', this.onChange)
  }

  get pages(): number {
    return this.pageCount
  }

  /** Shapes whose parent is `id`. */
  childrenOf(id: string): ReadonlySet<string> {
    return this.children.get(id) ?? EMPTY
  }

  /** Bindings from or to shape `id`. */
  bindingsOf(id: string): ReadonlySet<string> {
    return this.bindings.get(id) ?? EMPTY
  }

  /** Approved variations of shot `id`. */
  approvedOf(id: string): ReadonlySet<string> {
    return this.approved.get(id) ?? EMPTY
  }

  destroy(): void {
    this.records.off('change', this.onChange)
  }

  private readonly onChange = (changes: Map<string, TRecordChange>): void => {
    for (const change of changes.values()) {
      if (change.action !== 'add') this.remove(change.oldValue)
      if (change.action !== 'delete') this.add(change.newValue)
    }
  }

  private add(record: TLRecord): void {
    this.visit(record, (map, key, id) => {
      const set = map.get(key)
      if (set) set.add(id)
      else map.set(key, new Set([id]))
    })
    if (record.typeName === 'page') this.pageCount++
  }

  private remove(record: TLRecord): void {
    this.visit(record, (map, key, id) => {
      const set = map.get(key)
      set?.delete(id)
      if (set?.size === 0) map.delete(key)
    })
    if (record.typeName === 'page') this.pageCount--
  }

  /** Calls `f` for each relation the record holds; values a client got wrong are skipped. */
  private visit(record: TLRecord, f: (map: Map<string, Set<string>>, key: string, id: string) => void): void {
    if (record.typeName === 'shape') {
      const shape = record as TLShape
      if (typeof shape.parentId === 'string') f(this.children, shape.parentId, shape.id)
      const props = shape.props as { reviewState?: unknown; shotId?: unknown } | null | undefined
      if (shape.type === VARIATION_SHAPE && props?.reviewState === 'approved' && typeof props.shotId === 'string' && props.shotId) f(this.approved, props.shotId, shape.id)
    } else if (record.typeName === 'binding') {
      const binding = record as TLBinding
      for (const end of new Set([binding.fromId, binding.toId])) if (typeof end === 'string') f(this.bindings, end, binding.id)
    }
  }
}

const EMPTY: ReadonlySet<string> = new Set()
