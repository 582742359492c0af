import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addMember,
  createReservedGenerations,
  decideGenerationApproval,
  getBoardBudget,
  getCreditBalance,
  getGeneration,
  listApprovers,
  releaseCredits,
  reserveCredits,
  setBoardBudget,
  settleCredits,
  upsertUser,
  type Sql,
} from '../src'
import { createTestStudio, openTestDb } from '../src/testing'

let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

async function studio() {
  const name = `Spot ${randomUUID().slice(0, 6)}`
  const { owner, ws, boards: [board] } = await createTestStudio(sql, { ownerName: 'Owner', credits: 1000, boards: [name] })
  const row = (credits: number, awaitingApproval = false) => {
    const id = randomUUID()
    return { id, workspaceId: ws.id, boardId: board!.id, shotId: 'shape:s', variationId: `shape:${id}`, model: 'previz', params: {}, credits, workflowId: `generation/${id}`, createdBy: owner.id, awaitingApproval }
  }
  const start = async (amounts: number[], awaitingApproval = false) => {
    const generations = amounts.map((a) => row(a, awaitingApproval))
    await createReservedGenerations(sql, { workspaceId: ws.id, generations })
    return generations.map((g) => g.id)
  }
  return { owner, ws, board: board!, name, start }
}

describe('board budgets', () => {
  it('counts what the ledger charged for the board: reserved and settled, refunds given back', async () => {
    const { ws, board, start } = await studio()
    await setBoardBudget(sql, { workspaceId: ws.id, boardId: board.id, budget: 100 })
    const [a, b, c] = await start([30, 20, 10])
    await settleCredits(sql, { generationId: a!, actualCost: 25 }) // 5 back
    await releaseCredits(sql, { generationId: b! }) // all 20 back
    expect(await getBoardBudget(sql, { workspaceId: ws.id, boardId: board.id })).toMatchObject({ budget: 100, spent: 35, remaining: 65 })
    expect(c).toBeDefined()
  })

  it('refuses a start over what is left with both figures, storing and charging nothing', async () => {
    const { ws, board, name, start } = await studio()
    await setBoardBudget(sql, { workspaceId: ws.id, boardId: board.id, budget: 200 })
    await start([175])
    const balance = await getCreditBalance(sql, ws.id)
    await expect(start([40])).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED', message: `This job costs 40 credits; the board '${name}' has 25 of its 200-credit budget left.` })
    // A batch is one job: its variations together.
    await expect(start([15, 15])).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED', message: `This job costs 30 credits; the board '${name}' has 25 of its 200-credit budget left.` })
    expect(await getCreditBalance(sql, ws.id)).toBe(balance)
    const [count] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM generations WHERE board_id = ${board.id}`
    expect(count?.n).toBe(1)
    // Exactly what is left fits; a board without a budget has no limit.
    await start([25])
    await setBoardBudget(sql, { workspaceId: ws.id, boardId: board.id, budget: null })
    await start([500])
  })

  it('also holds at the workflow’s own reservation (a job approved after the budget filled up)', async () => {
    const { ws, board, name, start } = await studio()
    const [waiting] = await start([50], true)
    await setBoardBudget(sql, { workspaceId: ws.id, boardId: board.id, budget: 60 })
    await start([30])
    await expect(reserveCredits(sql, { workspaceId: ws.id, generationId: waiting!, amount: 50 })).rejects.toMatchObject({
      code: 'BUDGET_EXCEEDED',
      message: `This job costs 50 credits; the board '${name}' has 30 of its 60-credit budget left.`,
    })
  })

  it('a waiting job still has to fit the budget when it is asked for', async () => {
    const { ws, board, start } = await studio()
    await setBoardBudget(sql, { workspaceId: ws.id, boardId: board.id, budget: 10 })
    await expect(start([11], true)).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' })
  })
})

describe('approval of a job above the threshold', () => {
  it('is stored waiting and unreserved; the first decision wins; a refusal finishes it by name', async () => {
    const { owner, ws, start } = await studio()
    const producer = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Pat Producer' })
    const editor = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Ed Editor' })
    await addMember(sql, { workspaceId: ws.id, userId: producer.id, role: 'producer' })
    await addMember(sql, { workspaceId: ws.id, userId: editor.id, role: 'editor' })
    expect((await listApprovers(sql, ws.id)).sort()).toEqual([owner.id, producer.id].sort())

    const balance = await getCreditBalance(sql, ws.id)
    const [a, b] = await start([40, 40], true)
    expect(await getCreditBalance(sql, ws.id)).toBe(balance)
    expect(await getGeneration(sql, a!)).toMatchObject({ status: 'queued', approval: 'awaiting' })

    await decideGenerationApproval(sql, { generationId: a!, decision: 'approve', userId: producer.id, userName: 'Pat Producer' })
    expect(await getGeneration(sql, a!)).toMatchObject({ status: 'queued', approval: 'approved', approvalBy: producer.id })
    await expect(decideGenerationApproval(sql, { generationId: a!, decision: 'refuse', userId: owner.id, userName: 'Owner' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'This job was already approved by Pat Producer.',
    })

    await decideGenerationApproval(sql, { generationId: b!, decision: 'refuse', userId: owner.id, userName: 'Owner' })
    expect(await getGeneration(sql, b!)).toMatchObject({ status: 'cancelled', approval: 'refused', error: 'Refused by Owner.' })
    expect(await getCreditBalance(sql, ws.id)).toBe(balance)
  })
})
