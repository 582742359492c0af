import { randomUUID } from 'node:crypto'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { Context } from '@temporalio/activity'
import { Client, Connection } from '@temporalio/client'
import { NativeConnection, Worker } from '@temporalio/worker'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../src/log'
import { installTemporalRuntime } from '../src/temporal-runtime'

const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233'

describe('installTemporalRuntime', () => {
  it("routes the SDK's lines and an activity's Context.log through our logger, with the workflow's ids", async () => {
    const lines: Record<string, unknown>[] = []
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>)
        done()
      },
    })
    // One runtime per process: this file runs in its own.
    installTemporalRuntime({ logger: createLogger('test-worker', { level: 'info', destination }) })

    const taskQueue = `runtime-log-${randomUUID().slice(0, 8)}`
    const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS })
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./fixtures/log-workflow.ts', import.meta.url)),
      activities: {
        async render(generationId: string) {
          Context.current().log.info('rendering', { generationId })
        },
      },
    })
    const client = new Client({ connection: await Connection.connect({ address: TEMPORAL_ADDRESS }) })
    const generationId = randomUUID()
    const workflowId = `log-test/${generationId}`
    try {
      await worker.runUntil(async () => {
        const handle = await client.workflow.start('logWorkflow', { taskQueue, workflowId, args: [generationId] })
        await handle.result()
      })
    } finally {
      await client.connection.close()
      await connection.close()
    }

    const rendering = lines.find((l) => l.msg === 'rendering')
    expect(rendering, JSON.stringify(lines)).toMatchObject({ name: 'test-worker', level: 'info', sdkComponent: 'activity', generationId, workflowId, runId: expect.any(String), activityType: 'render' })
    expect(rendering).not.toHaveProperty('taskToken')
    expect(lines).toContainEqual(expect.objectContaining({ name: 'test-worker', msg: 'Worker state changed', sdkComponent: 'worker', taskQueue, state: 'RUNNING' }))
  })
})
