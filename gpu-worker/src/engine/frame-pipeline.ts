import type { FramePool } from '../ffmpeg/FramePool'

/**
 * Where a source may make its frames for a transform (a kernel's own memory, where frames are read
 * without a copy): one pool for a transform of frames, one per part for a transform of parts.
 */
export type TInputFrames<In> = In extends Uint8Array ? FramePool : { [K in keyof In]?: FramePool }

/** Per-frame work of an operation. */
export interface TFrameTransform<In> {
  /**
   * Called in frame order, without waiting for earlier calls to settle (so several frames are in
   * inference at once); returns the output frames for this input (interpolation returns two).
   */
  push(input: In, index: number): Promise<Uint8Array[]>
  /**
   * The transform keeps no reference to an input once that input's push has settled (it copied what
   * it needed), so the pipeline may hand the input back to its source to be refilled.
   */
  releasesInput?: boolean
  /** Pools to make input frames from, for sources that can fill frames they are given. */
  inputFrames?: TInputFrames<In>
  /** Takes back an output frame nobody holds any more, to be refilled (for pipelines whose sink declares `sinkReleases`). */
  recycleOutput?(frame: Uint8Array): void
  /** Frames to emit after the last input (interpolation's tail). */
  end?(): Promise<Uint8Array[]>
  /** Releases what the transform runs (an ffmpeg filter process); called once the run ends, failed or not. */
  close?(): void
}

/** Frames in order; a source that can refill frames nobody holds any more takes them back by `recycle`. */
export type TFrameSource<In> = AsyncIterable<In> & { recycle?(input: In): void }

export interface TRunFramePipelineOptions<In> {
  /** Its `recycle` gets each input back once its push has settled, for transforms that declare `releasesInput`. */
  source: TFrameSource<In>
  transform: TFrameTransform<In>
  /** Takes output frames in order; its promise resolving is the encoder's backpressure. */
  sink: (frame: Uint8Array, index: number) => Promise<void>
  /**
   * The sink holds no reference to a frame once its promise resolves (it wrote it out and kept no
   * copy by reference), so the pipeline hands each output back to the transform to be refilled.
   */
  sinkReleases?: boolean
  /** Frames in inference at once (default 2). */
  depth?: number
  signal?: AbortSignal
}

/**
 * Decode → inference → encode with bounded queues between them: the source reads ahead a few
 * frames (RawFrameReader's prefetch), up to `depth` frames are in inference, and the sink waits for
 * ffmpeg's stdin to drain. So the three overlap, and at most prefetch + depth + 1 frames are alive.
 * Returns the number of frames written. On any failure the source iterator is closed (killing its
 * ffmpeg) by `for await`'s own cleanup.
 */
export async function runFramePipeline<In>(options: TRunFramePipelineOptions<In>): Promise<number> {
  const { source, transform, sink, depth = 2, signal } = options
  const recycle = transform.releasesInput && source.recycle ? (input: In) => source.recycle!(input) : undefined
  const inflight: Promise<Uint8Array[]>[] = []
  let written = 0
  const release = options.sinkReleases && transform.recycleOutput ? (frame: Uint8Array) => transform.recycleOutput!(frame) : undefined
  const write = async (frame: Uint8Array) => {
    await sink(frame, written++)
    release?.(frame)
  }
  const writeOldest = async () => {
    for (const frame of await inflight.shift()!) await write(frame)
  }
  let index = 0
  try {
    for await (const input of source) {
      signal?.throwIfAborted()
      const result = transform.push(input, index++)
      // Observed here so a later frame failing while an earlier one is awaited is not "unhandled".
      result.then(() => recycle?.(input), () => undefined)
      inflight.push(result)
      if (inflight.length >= depth) await writeOldest()
    }
    while (inflight.length) await writeOldest()
    signal?.throwIfAborted()
    for (const frame of (await transform.end?.()) ?? []) await write(frame)
  } finally {
    inflight.length = 0
    transform.close?.()
  }
  return written
}
