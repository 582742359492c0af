import { stat } from 'node:fs/promises'
import { pipeline, Transform, type Readable } from 'node:stream'
import type { TAssetStoreMetrics } from './metrics'

const WRITES = new Set(['putBytes', 'putFile', 'putStream'])

/**
 * The same store, counting bytes: what the put methods stored (their `byteSize`), what `read`
 * streams delivered, and the size of each local file `withLocalFile` handed out (ffmpeg reads it).
 * A Proxy, so it wraps any store with these method names without restating its interface.
 */
export function meterAssetStore<T extends object>(store: T, metrics: TAssetStoreMetrics): T {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      const method = value as (...args: unknown[]) => unknown
      if (typeof prop === 'string' && WRITES.has(prop)) {
        return async (...args: unknown[]) => {
          const stored = (await method.apply(target, args)) as { byteSize?: number }
          if (typeof stored?.byteSize === 'number') metrics.written(stored.byteSize)
          return stored
        }
      }
      if (prop === 'read') {
        return (...args: unknown[]) => {
          const result = method.apply(target, args) as Readable | Promise<Readable>
          // Counted as it passes (a listener of our own on the source would start it flowing early).
          const count = (stream: Readable): Readable => {
            const counter = new Transform({
              transform(chunk: Buffer, _encoding, done) {
                metrics.read(chunk.length)
                done(null, chunk)
              },
            })
            // Errors and an early destroy (a client that hung up) reach both ends.
            return pipeline(stream, counter, () => undefined)
          }
          return result instanceof Promise ? result.then(count) : count(result)
        }
      }
      if (prop === 'withLocalFile') {
        return (sha256: string, fn: (file: string) => Promise<unknown>) =>
          method.call(target, sha256, async (file: string) => {
            metrics.read((await stat(file)).size)
            return fn(file)
          })
      }
      return method.bind(target)
    },
  })
}
