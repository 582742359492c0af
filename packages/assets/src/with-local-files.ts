import type { AssetStore } from './types'

/**
 * `withLocalFile` for several blobs at once (an edit reads every source): `fn` gets their local
 * files in the order asked, and every temp copy is removed when it settles.
 */
export async function withLocalFiles<T>(store: AssetStore, sha256s: readonly string[], fn: (files: string[]) => Promise<T>): Promise<T> {
  const lend = (i: number, files: string[]): Promise<T> =>
    i === sha256s.length ? fn(files) : store.withLocalFile(sha256s[i]!, (file) => lend(i + 1, [...files, file]))
  return lend(0, [])
}
