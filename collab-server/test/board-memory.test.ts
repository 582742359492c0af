import v8 from 'node:v8'
import vm from 'node:vm'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords } from '@montage/board'
import { geoShape } from '@montage/board/testing'
import { appendBoardUpdate, loadBoardUpdates } from '@montage/db'
import { openTestDb } from '@montage/db/testing'
import { closeTestEnv, createBoardWithMembers, openTestEnv, startServer, waitFor, type TestEnv } from './helpers'

let env: TestEnv
beforeAll(async () => {
  env = await openTestEnv()
})
afterAll(() => closeTestEnv(env))

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void
/** Memory held by ArrayBuffers once what can be collected is. */
async function arrayBufferBytes(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((r) => setTimeout(r, 50))
  }
  return process.memoryUsage().arrayBuffers
}

describe('a board read from storage', () => {
  it('is held once by its room: the answer kept for newcomers and the document share the stored bytes', async () => {
    const { port, server } = await startServer(env, { roomLingerMs: 60_000 })
    const { boardId, owner } = await createBoardWithMembers(env, [])
    // 10,000 shapes stored, written through a pool of its own, closed before measuring (a pool
    // keeps its largest message's buffer).
    const writer = await openTestDb()
    const doc = new Y.Doc()
    for (const u of await loadBoardUpdates(writer, boardId)) Y.applyUpdate(doc, u)
    const before = Y.encodeStateVector(doc)
    doc.transact(() => {
      for (let i = 0; i < 10_000; i++) getRecords(doc).set(`shape:s${i}`, { ...geoShape(`shape:s${i}`), x: i } as never)
    })
    await appendBoardUpdate(writer, { boardId, update: Y.encodeStateAsUpdate(doc, before) })
    const storedBytes = (await loadBoardUpdates(writer, boardId)).reduce((n, u) => n + u.byteLength, 0)
    await writer.end()
    doc.destroy()
    const held = await arrayBufferBytes()

    // A newcomer asks for the board and leaves once it has it; the room builds its document.
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/boards/${boardId}?token=${owner.token}`, { perMessageDeflate: false })
      ws.on('error', reject)
      ws.on('open', () => ws.send(new Uint8Array([0, 0, 1, 0]))) // sync step 1, empty state vector
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0 && data[1] === 1) {
          ws.close()
          resolve()
        }
      })
    })
    await waitFor(() => server.stats().coldAnswers > 0 && server.loadedBoards().includes(boardId))
    await new Promise((r) => setTimeout(r, 1_500)) // past the build's grace
    const grown = (await arrayBufferBytes()) - held
    // Once, not twice (the stored bytes under the records beside a frame copied from them).
    expect(grown).toBeGreaterThan(storedBytes * 0.9)
    expect(grown).toBeLessThan(storedBytes * 1.5)
  })
})
