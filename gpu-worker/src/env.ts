import { ZTaskQueuePrefix } from '@montage/core'
import { withConnectionChecks, ZNatsEnv, ZTemporalEnv } from '@montage/runtime/config'
import { ZLogLevel } from '@montage/runtime/log'
import { z } from 'zod'

export const ZGpuWorkerEnv = withConnectionChecks(z.object({
  ...ZTemporalEnv.shape,
  ...ZNatsEnv.shape,
  LOG_LEVEL: ZLogLevel,
  TASK_QUEUE_PREFIX: ZTaskQueuePrefix,
  DATA_DIR: z.string().min(1, 'DATA_DIR is required (assets live in $DATA_DIR/assets)'),
  ENGINE_EXECUTION_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
  /**
   * ONNX Runtime threads per session. 1 by default: renders already overlap decode, inference and
   * encode, and on a small shared machine ORT's spinning thread pool measured slower (a 5 s 720p
   * previz ~3.6–4 s with 1 thread against ~7–9 s with the default under the same load).
   */
  ENGINE_INTRA_OP_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  GPU_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  FFMPEG_PATH: z.string().optional(),
  FFPROBE_PATH: z.string().optional(),
}))
export type TGpuWorkerEnv = z.infer<typeof ZGpuWorkerEnv>
