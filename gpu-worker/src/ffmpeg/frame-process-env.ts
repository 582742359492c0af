/**
 * The environment for an ffmpeg that streams frames of `frameBytes` bytes.
 *
 * glibc's malloc gives the top of its heap back to the kernel whenever more than 128 KiB of it is
 * free, so a frame-sized buffer that ffmpeg frees and allocates again is faulted in afresh each
 * frame: ~540 page faults a 720p RGBA frame, about a third of a raw reader's CPU. A top pad of a
 * few frames keeps those pages. Peak memory does not grow (what the pad keeps is what the frames
 * used), and an allocator that is not glibc's ignores the variable. One the caller set wins.
 */
export function frameProcessEnv(frameBytes: number, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, MALLOC_TOP_PAD_: env.MALLOC_TOP_PAD_ ?? String(Math.max(16 << 20, 4 * frameBytes)) }
}
