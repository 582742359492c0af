import type {} from './webassembly'
import { Worker } from 'node:worker_threads'
import { FramePool, heapFrame } from '../../ffmpeg/FramePool'

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

/** A shared memory's most pages (4 GiB): reserved address space, committed as frames are made. */
const MAX_PAGES = 65536

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
   * region for the thread, which runs its calls one at a time, in order. Zeroed when a thread starts.
   */
  scratchBytes?: number
  /** The same on every call (the job's parameters). */
  args: number[]
  /** Calls in the kernel's hands at once whose inputs or output had to be copied (default 3: the pipeline's depth and one more). */
  slots?: number
  /**
   * Frames of each input, and outputs, that may be made in the kernel's memory (default 8 each); past
   * that, frames are made on the heap and copied in and out.
   */
  sharedFrames?: number
}

interface TSlot {
  inputs: number[]
  dst: number
}

/** One thread running the kernel over the shared memory; calls settle in the order they are made. */
class KernelThread {
  private readonly worker: Worker
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>()
  private next = 0
  private failure?: Error

  constructor({ module, entry, args }: TKernelWorkerOptions, memory: WebAssembly.Memory) {
    this.worker = new Worker(HOST, { eval: true, workerData: { module, memory, entry, args } })
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
 * The memory is shared between the threads: [scratch][slot 0][slot 1]…, then frames made as they
 * are asked for. Each input has a pool of frames in this memory (`inputFrames`): a reader filling
 * those hands the kernel frames it reads where they are. Outputs are frames in this memory too,
 * written by the kernel where they are and lent to the caller, who hands each back (`recycle`) once
 * nothing holds it. Any other frame is copied into a slot (inputs), or out of one into a heap frame
 * (outputs, once the memory's frames are all lent). A caller keeps its inputs and owns each output
 * until it hands it back.
 */
export class KernelWorker {
  private readonly memory: WebAssembly.Memory
  private readonly slots: TSlot[] = []
  private readonly free: TSlot[] = []
  /** Copying calls waiting for a slot, first come first served. */
  private readonly waiting: ((slot: TSlot) => void)[] = []
  /** Settles once the latest call has been posted to the thread. */
  private posting: Promise<void> = Promise.resolve()
  private readonly inputs: FramePool[]
  private readonly outputs: FramePool
  /** Where each frame made in the memory starts. */
  private readonly addresses = new WeakMap<Uint8Array, number>()
  private thread?: KernelThread

  constructor(private readonly options: TKernelWorkerOptions) {
    const { inputs, outBytes, scratchBytes = 0, slots = 3, sharedFrames = 8 } = options
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
    this.memory = new WebAssembly.Memory({ initial: pages(at), maximum: MAX_PAGES, shared: true })
    this.inputs = inputs.map((bytes) => this.sharedPool(bytes, sharedFrames, INPUT_SLACK))
    this.outputs = this.sharedPool(outBytes, sharedFrames, 0)
  }

  /** Input `index`'s frames, made in the kernel's memory (up to `sharedFrames`): filled there, they are never copied. */
  inputFrames(index: number): FramePool {
    const pool = this.inputs[index]
    if (!pool) throw new Error(`kernel ${this.options.entry}: no input ${index}`)
    return pool
  }

  /** Runs the kernel over `inputs` (sized as the options say); calls run in the order they are made. */
  async run(inputs: Uint8Array[], callArgs: number[] = []): Promise<Uint8Array> {
    const { entry, outBytes } = this.options
    if (inputs.length !== this.options.inputs.length) throw new Error(`kernel ${entry}: ${inputs.length} inputs, expected ${this.options.inputs.length}`)
    inputs.forEach((input, i) => {
      const expected = this.options.inputs[i]
      if (input.length !== expected) throw new Error(`kernel ${entry}: input ${i} of ${input.length} bytes, expected ${expected}`)
    })
    const thread = this.startThread()
    const out = this.outputs.take()
    const dst = this.addresses.get(out)
    const direct = inputs.map((input) => this.addresses.get(input))
    const copies = dst === undefined || direct.includes(undefined)
    // Calls reach the thread in the order they are made (a still's keyed plane, in the scratch, is
    // made by the first), so each is posted only after the one before it, a copying one once it
    // has a slot.
    const posted = this.posting.then(async () => {
      const slot = copies ? await this.takeSlot() : undefined
      const heap = new Uint8Array(this.memory.buffer)
      const addresses = inputs.map((input, i) => {
        if (direct[i] !== undefined) return direct[i]
        heap.set(input, slot!.inputs[i])
        return slot!.inputs[i]!
      })
      return { slot, done: thread.call([...addresses, dst ?? slot!.dst], callArgs) }
    })
    this.posting = posted.then(
      () => undefined,
      () => undefined,
    )
    let slot: TSlot | undefined
    try {
      const call = await posted
      slot = call.slot
      await call.done
      if (dst === undefined) out.set(new Uint8Array(this.memory.buffer, slot!.dst, outBytes))
      return out
    } catch (error) {
      this.outputs.give(out)
      throw error
    } finally {
      if (slot) this.giveSlot(slot)
    }
  }

  /** Takes back an output of `run` that nothing holds any more, to be refilled by a later call. */
  recycle(output: Uint8Array): void {
    this.outputs.give(output)
  }

  /** Ends the thread (its scratch goes with it); a later call starts another. Frames made in the memory stay valid. */
  close(): void {
    this.thread?.terminate()
    this.thread = undefined
  }

  private takeSlot(): Promise<TSlot> {
    const slot = this.free.pop()
    return slot ? Promise.resolve(slot) : new Promise((resolve) => this.waiting.push(resolve))
  }

  private giveSlot(slot: TSlot): void {
    const waiter = this.waiting.shift()
    if (waiter) waiter(slot)
    else this.free.push(slot)
  }

  private startThread(): KernelThread {
    if (!this.thread) {
      new Uint8Array(this.memory.buffer, 0, this.options.scratchBytes ?? 0).fill(0)
      this.thread = new KernelThread(this.options, this.memory)
    }
    return this.thread
  }

  /**
   * A pool of `bytes`-byte frames: the first `count` made in the memory (each followed by `slack`
   * bytes the kernel may read), later ones on the heap. Every frame it makes is kept when given
   * back, so none made in the memory is ever lost.
   */
  private sharedPool(bytes: number, count: number, slack: number): FramePool {
    let made = 0
    // Kept without limit: a pool never holds more spares than were lent at once.
    return new FramePool(bytes, Infinity, () => {
      if (made >= count) return heapFrame(bytes)
      made++
      const at = align(this.memory.buffer.byteLength)
      this.memory.grow(pages(at + bytes + slack) - this.memory.buffer.byteLength / PAGE)
      const frame = new Uint8Array(this.memory.buffer, at, bytes)
      this.addresses.set(frame, at)
      return frame
    })
  }
}

const PAGE = 65536
const pages = (bytes: number) => Math.ceil(bytes / PAGE)

/** Regions start on 64-byte boundaries (a cache line; SIMD loads never straddle one needlessly). */
const align = (at: number) => Math.ceil(at / 64) * 64
