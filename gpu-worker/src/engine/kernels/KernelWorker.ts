import type {} from './webassembly'
import { Worker } from 'node:worker_threads'
import { FramePool } from '../../ffmpeg/FramePool'

/**
 * The thread's side: instantiates the kernel over the shared memory and runs one call per message.
 * Plain JavaScript, evaluated by the Worker (so it needs no build step of its own).
 */
const HOST = `
const { parentPort, workerData } = require('node:worker_threads')
const { module, memory, entry, args } = workerData
const run = new WebAssembly.Instance(module, { env: { memory } }).exports[entry]
parentPort.on('message', ({ id, addresses, callArgs }) => {
  try {
    run(...addresses, ...callArgs, ...args)
    parentPort.postMessage({ id })
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) })
  }
})
`

/** Bytes after each input that a kernel may read (not use): one SIMD load past a 12-byte RGB group. */
const INPUT_SLACK = 16

export interface TKernelWorkerOptions {
  /** A kernel module importing its memory as env.memory (shared). */
  module: WebAssembly.Module
  /** The exported function, called as (input 0, input 1, …, dst, ...callArgs, ...args). */
  entry: string
  /** Each input's size in bytes (a frame, or one frame of each source). */
  inputs: number[]
  outBytes: number
  /**
   * Bytes at address 0 that the kernel keeps between calls (sums, a keyed plane of a still): one
   * region for the thread, which runs its calls one at a time, in order. Zeroed at the start.
   */
  scratchBytes?: number
  /** The same on every call (the job's parameters). */
  args: number[]
  /** Frames in the kernel's hands at once (default 3: the pipeline's depth and one more). */
  slots?: number
  /** Where outputs come from and go back to (recycle); threads of one transform may share one. */
  outputs?: FramePool
}

interface TSlot {
  inputs: number[]
  dst: number
}

/** One thread running the kernel over its own shared memory; calls settle in the order they are made. */
class KernelThread {
  readonly memory: WebAssembly.Memory
  private readonly worker: Worker
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>()
  private next = 0
  private failure?: Error

  constructor({ module, entry, args }: TKernelWorkerOptions, bytes: number) {
    const pages = Math.ceil(bytes / 65536)
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true })
    this.worker = new Worker(HOST, { eval: true, workerData: { module, memory: this.memory, entry, args } })
    this.worker.on('message', ({ id, error }: { id: number; error?: string }) => {
      const call = this.waiting.get(id)
      this.waiting.delete(id)
      if (this.waiting.size === 0) this.worker.unref()
      if (error !== undefined) call?.reject(new Error(`kernel ${entry}: ${error}`))
      else call?.resolve()
    })
    const fail = (error: Error) => {
      this.failure ??= error
      for (const call of this.waiting.values()) call.reject(error)
      this.waiting.clear()
    }
    this.worker.on('error', fail)
    this.worker.on('exit', (code) => fail(new Error(`kernel ${entry}: its thread exited (${code})`)))
    // An idle kernel thread must not keep the process alive; one with frames in hand does.
    this.worker.unref()
  }

  call(addresses: number[], callArgs: number[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.next++
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.worker.ref()
      this.worker.postMessage({ id, addresses, callArgs })
    })
  }

  terminate(): void {
    void this.worker.terminate()
  }
}

/**
 * Runs a compiled kernel on a thread of its own, so that reading the next frames from ffmpeg's
 * pipe (on the main thread) overlaps the kernel instead of waiting for it; with one thread, ffmpeg
 * stalls on a full pipe for as long as the kernel runs. The thread starts with the first call
 * after construction or `close` (one per run of a frame pipeline), and its scratch with it.
 *
 * The memory is shared between the threads and laid out as [scratch][slot 0][slot 1]…, a slot
 * holding each input and the output: a call's inputs are copied into a free slot, the thread runs
 * the kernel over it, and the output is copied out into a buffer of its own (a recycled one where
 * the caller hands outputs back). A caller keeps its inputs and owns each output.
 */
export class KernelWorker {
  private readonly slots: TSlot[] = []
  private readonly free: TSlot[] = []
  private readonly queued: (() => void)[] = []
  private readonly outputs: FramePool
  private readonly memoryBytes: number
  private thread?: KernelThread

  constructor(private readonly options: TKernelWorkerOptions) {
    const { entry, inputs, outBytes, scratchBytes = 0, slots = 3 } = options
    this.outputs = options.outputs ?? new FramePool(outBytes, slots + 4)
    if (this.outputs.bytes !== outBytes) throw new Error(`kernel ${entry}: an output pool of ${this.outputs.bytes}-byte frames for ${outBytes}-byte outputs`)
    let at = align(scratchBytes)
    for (let s = 0; s < slots; s++) {
      const slot: TSlot = { inputs: [], dst: 0 }
      for (const bytes of inputs) {
        slot.inputs.push(at)
        at = align(at + bytes + INPUT_SLACK)
      }
      slot.dst = at
      at = align(at + outBytes)
      this.slots.push(slot)
    }
    this.free.push(...this.slots)
    this.memoryBytes = at
  }

  /** Runs the kernel over `inputs` (sized as the options say); calls run in the order they are made. */
  async run(inputs: Uint8Array[], callArgs: number[] = []): Promise<Uint8Array> {
    const { entry, outBytes } = this.options
    if (inputs.length !== this.options.inputs.length) throw new Error(`kernel ${entry}: ${inputs.length} inputs, expected ${this.options.inputs.length}`)
    inputs.forEach((input, i) => {
      const expected = this.options.inputs[i]
      if (input.length !== expected) throw new Error(`kernel ${entry}: input ${i} of ${input.length} bytes, expected ${expected}`)
    })
    const thread = (this.thread ??= new KernelThread(this.options, this.memoryBytes))
    if (this.free.length === 0) await new Promise<void>((resolve) => this.queued.push(resolve))
    const slot = this.free.pop()!
    try {
      const heap = new Uint8Array(thread.memory.buffer)
      inputs.forEach((input, i) => heap.set(input, slot.inputs[i]))
      await thread.call([...slot.inputs, slot.dst], callArgs)
      const out = this.outputs.take()
      out.set(heap.subarray(slot.dst, slot.dst + outBytes))
      return out
    } finally {
      this.free.push(slot)
      this.queued.shift()?.()
    }
  }

  /** Takes back an output of `run` that nothing holds any more, to be refilled by a later call. */
  recycle(output: Uint8Array): void {
    this.outputs.give(output)
  }

  /** Ends the thread (its scratch goes with it); a later call starts another. */
  close(): void {
    this.thread?.terminate()
    this.thread = undefined
  }
}

/** Regions start on 64-byte boundaries (a cache line; SIMD loads never straddle one needlessly). */
const align = (at: number) => Math.ceil(at / 64) * 64
