import type { TFrameShape } from '../../onnx/build-relight-graph'
import { RawFrameReader } from '../../ffmpeg/RawFrameReader'
import type { TFrameTransform } from '../frame-pipeline'
import type { MediaEngine } from '../MediaEngine'

/**
 * Upscales rgb24 frames by `factor` with cubic convolution (a = −0.5, Catmull-Rom: swscale's
 * bicubic with B = 0, C = 0.5), run by an ffmpeg process the frames are piped through. swscale
 * scales rgb24 to rgb24 channel by channel (output identical to going through gbrp planes), so no
 * colour conversion touches the picture; it keeps the first pass unclamped in 15 bits where ORT's
 * cubic Resize (the earlier graph) saturated it to uint8, so the two differ only on hard edges'
 * overshoot (testsrc2: 95% of bytes equal, mean ~0.2 levels). Measured at
 * 720p 2× on this machine: ~35 ms of CPU a frame with the pipe, ~60 ms for ORT's Resize, and
 * ~33 ms for ffmpeg's own lanczos.
 */
export async function upscaleTransform(engine: MediaEngine, factor: number, shape: TFrameShape): Promise<TFrameTransform<Uint8Array>> {
  const { width, height } = shape
  const start = () => {
    const reader = new RawFrameReader({
      ffmpeg: engine.ffmpeg.ffmpeg,
      // One decoder thread and a flush per frame: frame i comes out before frame i + 1 goes in.
      args: [
        '-v', 'error', '-threads', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0',
        '-vf', `scale=${width * factor}:${height * factor}:flags=bicubic:param0=0:param1=0.5`, '-flush_packets', '1',
      ],
      pixFmt: 'rgb24',
      width: width * factor,
      height: height * factor,
      fed: true,
    })
    return { reader, frames: reader[Symbol.asyncIterator]() }
  }
  // One ffmpeg per run of the pipeline, started by its first frame.
  let scaler: ReturnType<typeof start> | undefined
  return {
    // A frame's scaled output comes back only once ffmpeg has read all of the frame.
    releasesInput: true,
    // Outputs are the scaler's reader's frames: handed back, they are refilled (11 MB each at 1440p).
    recycleOutput: (frame) => scaler?.reader.recycle(frame),
    async push(frame) {
      scaler ??= start()
      // Asked before the frame goes in; the generator answers its calls in order.
      const next = scaler.frames.next()
      await scaler.reader.write(frame)
      const out = await next
      if (out.done) throw new Error('ffmpeg scale ended before giving back a frame')
      return [out.value]
    },
    async end() {
      const run = scaler
      scaler = undefined
      if (!run) return []
      run.reader.endInput()
      if (!(await run.frames.next()).done) throw new Error('ffmpeg scale gave back more frames than it was given')
      return []
    },
    close() {
      scaler?.reader.kill()
      scaler = undefined
    },
  }
}
