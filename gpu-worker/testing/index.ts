// `@montage/gpu-worker/testing`: what other packages' tests need from the gpu-worker and production
// never runs. It lives outside `src`, so the worker's own code cannot reach it.
export { RunwayStandIn, type RunwayStandInOptions, type TStandInStep, type TStandInTask } from './RunwayStandIn'
export { writeTestClip, writeTestSound, type TTestClipOptions } from './write-test-clip'
export { resolveFfmpegPaths, type TFfmpegPaths } from '../src/ffmpeg/ffmpeg-paths'
export { runProcess } from '../src/ffmpeg/run-process'
