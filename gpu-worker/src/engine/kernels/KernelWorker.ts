import { Worker } from 'node:worker_threads'

/**
 * The thread's side: instantiates the kernel over the shared memory and runs one slot per message.
 * Plain JavaScript, evaluated by the Worker (so it needs no build step of its own).
 */
const HOST = `
const { parentPort, workerData } = require('node:worker_threads')
const { module, memory, entry, args } = workerData
const run = new WebAssembly.Instance(module, { env: { memory } }).exports[entry]
parentPort.on('message', ({ id, src, dst }) => {
  try {
    run(src, dst, ...args)
    parentPort.postMessage({ id })
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) })
  }
})
`

export interface TKernelWorkerOptions {
  /** A kernel module importing its memory as env.memory (shared). */
  module: WebAssembly.Module
  /** The exported function, called as (src, dst, ...args). */
  entry: string
  /** Copied to the start of the memory once (a lookup table); none by default. */
  constants?: Uint8Array
  frameBytes: number
  outBytes: number
  args: number[]
  /** Frames in the kernel's hands at once (default 3: the pipeline's depth and one more). */
  slots?: number
}

/**
 * Runs a compiled kernel on a thread of its own, so that reading the next frames from ffmpeg's
 * pipe (on the main thread) overlaps the kernel instead of waiting for it; with one thread, ffmpeg
 * stalls on a full pipe for as long as the kernel runs.
 *
 * The memory is shared between the threads and laid out as [constants][src 0][dst 0][src 1]…:
 * a frame is copied into a free slot's src, the thread runs the kernel over the slot, and the
 * output is copied out of dst into a buffer of its own. Nothing is allocated per frame but that
 * output, so a caller keeps its input and owns each output.
 */
export class KernelWorker {
  private readonly worker: Worker
  private readonly memory: WebAssembly.Memory
  private readonly slots: { src: number; dst: number }[] = []
  private readonly free: number[] = []
  private readonly queued: (() => void)[] = []
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>()
  private next = 0
  private failure?: Error

  constructor(private readonly options: TKernelWorkerOptions) {
    const { module, entry, constants = new Uint8Array(0), frameBytes, outBytes, args, slots = 3 } = options
    const bytes = constants.byteLength + slots * (frameBytes + outBytes)
    const pages = Math.ceil(bytes / 65536)
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true })
    new Uint8Array(this.memory.buffer).set(constants, 0)
    for (let s = 0; s < slots; s++) {
      const src = constants.byteLength + s * (frameBytes + outBytes)
      this.slots.push({ src, dst: src + frameBytes })
      this.free.push(s)
    }
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

  async run(frame: Uint8Array): Promise<Uint8Array> {
    const { entry, frameBytes, outBytes } = this.options
    if (frame.length !== frameBytes) throw new Error(`kernel ${entry}: frame of ${frame.length} bytes, expected ${frameBytes}`)
    if (this.free.length === 0) await new Promise<void>((resolve) => this.queued.push(resolve))
    const slot = this.free.pop()!
    try {
      if (this.failure) throw this.failure
      const { src, dst } = this.slots[slot]!
      const heap = new Uint8Array(this.memory.buffer)
      heap.set(frame, src)
      const id = this.next++
      await new Promise<void>((resolve, reject) => {
        this.waiting.set(id, { resolve, reject })
        this.worker.ref()
        this.worker.postMessage({ id, src, dst })
      })
      return heap.slice(dst, dst + outBytes)
    } finally {
      this.free.push(slot)
      this.queued.shift()?.()
    }
  }

  close(): void {
    void this.worker.terminate()
  }
}
