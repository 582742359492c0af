/**
 * The longest the event loop is held by storing a backlog of a busy board: thirty seconds of a
 * 200-editor board (one edit each a second: 6,000 updates, what piles up while the database is
 * away), merged as `BoardPersistence` merges them (`mergeInSteps`: groups of 64, the event loop
 * free between steps), against one `Y.mergeUpdates` of all of them (what the store did before).
 * In this process: no server is needed.
 */
import * as Y from 'yjs'
import { getRecords } from '@montage/board'
import { geoShape } from '@montage/board/testing'
import { mergeInSteps } from '../src/merge-updates'

const EDITORS = 200
const SECONDS = 30
const SHAPES = 500

function busyBoardUpdates(): Uint8Array[] {
  const board = new Y.Doc()
  for (let i = 0; i < SHAPES; i++) getRecords(board).set(`shape:s${i}`, geoShape(`shape:s${i}`, { x: i * 10, y: 0 }))
  const seed = Y.encodeStateAsUpdate(board)
  const editors = Array.from({ length: EDITORS }, () => {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, seed)
    return doc
  })
  const updates: Uint8Array[] = []
  for (let s = 0; s < SECONDS; s++) {
    editors.forEach((doc, e) => {
      const id = `shape:s${(e * 13 + s) % SHAPES}`
      const before = Y.encodeStateVector(doc)
      getRecords(doc).set(id, geoShape(id, { x: e * 10 + s, y: s * 5 }))
      updates.push(Y.encodeStateAsUpdate(doc, before))
    })
  }
  return updates
}

/** The longest single step (ms) of merging the backlog each way; the median of three tries each. */
export async function measureStoreMerge(): Promise<{ ours: number; theirs: number }> {
  const updates = busyBoardUpdates()
  const ours: number[] = []
  const theirs: number[] = []
  for (let t = 0; t < 3; t++) {
    let longest = 0
    await mergeInSteps(updates, (batch) => {
      const start = performance.now()
      const merged = Y.mergeUpdates(batch)
      longest = Math.max(longest, performance.now() - start)
      return merged
    })
    ours.push(longest)
    const start = performance.now()
    Y.mergeUpdates(updates)
    theirs.push(performance.now() - start)
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  return { ours: median(ours), theirs: median(theirs) }
}
