import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, Connection } from '@temporalio/client'
import { generationWorkflowId, taskQueueName, type TEditGenerationInput, type TGenerationInput } from '@montage/core'
import { generationStartInput, startGenerationWorkflow } from '../src'
import type { EditGenerationWorkflowArgs } from '../src/workflows'

// Real Temporal; no worker polls these queues, so each workflow stays as it was started.
const prefix = `startinput-${randomUUID().slice(0, 8)}`
let client: Client
const started: string[] = []

beforeAll(async () => {
  client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }) })
})

afterAll(async () => {
  for (const id of started) await client.workflow.getHandle(id).terminate('test over').catch(() => undefined)
  await client?.connection.close()
})

const sha = (c: string) => c.repeat(64)

function shotInput(): TGenerationInput {
  return {
    generationId: randomUUID(),
    workspaceId: randomUUID(),
    boardId: randomUUID(),
    userId: randomUUID(),
    shotId: 'shape:shot1',
    variationId: 'shape:v1',
    model: 'previz',
    params: { duration: 2 },
    prompt: 'push in',
    referenceAssets: [sha('a')],
    referenceIds: ['shape:ref1'],
    credits: 2,
  }
}

describe('generationStartInput', () => {
  it("reads a shot generation's input back as kind 'shot'", async () => {
    const input = shotInput()
    await startGenerationWorkflow({ client, input, taskQueuePrefix: prefix })
    started.push(generationWorkflowId(input.generationId))
    expect(await generationStartInput({ client, generationId: input.generationId })).toEqual({ kind: 'shot', input })
  })

  // Retry of a failed edit answered 409 "The model relight no longer exists": the edit's input was read as a shot's.
  it("reads an edit's input back as kind 'edit', with its parent, params and plate", async () => {
    const input: TEditGenerationInput = {
      ...shotInput(),
      model: 'composite',
      params: { key: 'chroma', keyColor: '#00ff00', similarity: 0.25, softness: 0.1 },
      prompt: '',
      referenceAssets: [sha('b')],
      referenceIds: ['shape:plate'],
      sourceAssetSha256: sha('c'),
      parentGenerationId: randomUUID(),
      parentVariationId: 'shape:parent',
    }
    const workflowId = generationWorkflowId(input.generationId)
    await client.workflow.start('editGenerationWorkflow', {
      workflowId,
      taskQueue: taskQueueName(prefix, 'control'),
      args: [{ input, gpuTaskQueue: taskQueueName(prefix, 'gpu'), hostedTaskQueue: taskQueueName(prefix, 'hosted') } satisfies EditGenerationWorkflowArgs],
    })
    started.push(workflowId)
    expect(await generationStartInput({ client, generationId: input.generationId })).toEqual({ kind: 'edit', input })
  })

  // A workflow gone from Temporal answered 503 "queue unavailable" instead of 409 "too old to retry": fetchHistory throws a bare gRPC NOT_FOUND.
  it('is null for a generation Temporal does not know', async () => {
    expect(await generationStartInput({ client, generationId: randomUUID() })).toBeNull()
  })
})
