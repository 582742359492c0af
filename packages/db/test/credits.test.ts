import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createBoard,
  createGeneration,
  createReservedGenerations,
  failUnstartedGenerations,
  getGeneration,
  createWorkspace,
  getCreditBalance,
  grantCredits,
  releaseCredits,
  reserveCredits,
  settleCredits,
  upsertUser,
  type Sql,
} from '../src'
import { openTestDb } from '../src/testing'

let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

async function workspaceWith(credits: number) {
  const user = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Owner' })
  const ws = await createWorkspace(sql, { name: 'Studio', ownerId: user.id })
  if (credits > 0) await grantCredits(sql, { workspaceId: ws.id, amount: credits, note: 'test' })
  const board = await createBoard(sql, { workspaceId: ws.id, name: 'B', createdBy: user.id })
  const generation = async (amount: number) => {
    const id = randomUUID()
    await createGeneration(sql, { id, workspaceId: ws.id, boardId: board.id, shotId: 'shape:s', variationId: `shape:${id}`, model: 'previz', params: {}, credits: amount, workflowId: `generation/${id}`, createdBy: user.id })
    return id
  }
  /** A start as the web makes it: the rows with their reservations, in one transaction. */
  const start = (amounts: number[]) => {
    const generations = amounts.map((credits) => {
      const id = randomUUID()
      return { id, workspaceId: ws.id, boardId: board.id, shotId: 'shape:s', variationId: `shape:${id}`, model: 'previz', params: {}, credits, workflowId: `generation/${id}`, createdBy: user.id, request: { kind: 'shot', prompt: 'a lighthouse' } }
    })
    return createReservedGenerations(sql, { workspaceId: ws.id, generations }).then(() => generations.map((g) => g.id))
  }
  return { ws, generation, start }
}

describe('credit ledger', () => {
  it('never lets concurrent reservations take the balance below zero', async () => {
    const { ws, generation } = await workspaceWith(10)
    const ids = await Promise.all(Array.from({ length: 8 }, () => generation(3)))
    const results = await Promise.allSettled(ids.map((id) => reserveCredits(sql, { workspaceId: ws.id, generationId: id, amount: 3 })))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'INSUFFICIENT_CREDITS')).toBe(true)
    expect(await getCreditBalance(sql, ws.id)).toBe(1)
  })

  it('charges once however often reserve and settle are retried, and returns the unused part', async () => {
    const { ws, generation } = await workspaceWith(20)
    const id = await generation(5)
    await reserveCredits(sql, { workspaceId: ws.id, generationId: id, amount: 5 })
    await reserveCredits(sql, { workspaceId: ws.id, generationId: id, amount: 5 })
    expect(await getCreditBalance(sql, ws.id)).toBe(15)
    await settleCredits(sql, { generationId: id, actualCost: 4 })
    await settleCredits(sql, { generationId: id, actualCost: 4 })
    await releaseCredits(sql, { generationId: id }) // too late: already settled
    expect(await getCreditBalance(sql, ws.id)).toBe(16)
  })

  it('releases a whole reservation once on failure', async () => {
    const { ws, generation } = await workspaceWith(10)
    const id = await generation(6)
    await reserveCredits(sql, { workspaceId: ws.id, generationId: id, amount: 6 })
    await releaseCredits(sql, { generationId: id })
    await releaseCredits(sql, { generationId: id })
    await settleCredits(sql, { generationId: id, actualCost: 6 }) // too late: already released
    expect(await getCreditBalance(sql, ws.id)).toBe(10)
  })

  it("reserves a start once: the workflow's reservation after it is a no-op, and concurrent starts neither overspend nor deadlock", async () => {
    const { ws, start } = await workspaceWith(10)
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => start([2, 2])))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2)
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'INSUFFICIENT_CREDITS')).toBe(true)
    expect(await getCreditBalance(sql, ws.id)).toBe(2)
    const [first] = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<string[]>).value
    await reserveCredits(sql, { workspaceId: ws.id, generationId: first!, amount: 2 })
    expect(await getCreditBalance(sql, ws.id)).toBe(2)
    expect((await getGeneration(sql, first!))?.request).toEqual({ kind: 'shot', prompt: 'a lighthouse' })
  })

  it('gives a start whose workflow never began its credits back and fails its rows with the reason', async () => {
    const { ws, start } = await workspaceWith(10)
    const ids = await start([3, 3])
    expect(await getCreditBalance(sql, ws.id)).toBe(4)
    await failUnstartedGenerations(sql, { generationIds: ids, reason: 'The render queue is unavailable.' })
    await failUnstartedGenerations(sql, { generationIds: ids, reason: 'The render queue is unavailable.' })
    expect(await getCreditBalance(sql, ws.id)).toBe(10)
    expect(await getGeneration(sql, ids[0]!)).toMatchObject({ status: 'failed', error: 'The render queue is unavailable.' })
    // A workflow Temporal started after all cannot reserve again and run for free.
    await expect(reserveCredits(sql, { workspaceId: ws.id, generationId: ids[0]!, amount: 3 })).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(await getCreditBalance(sql, ws.id)).toBe(10)
  })
})
