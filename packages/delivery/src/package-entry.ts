import type { Readable } from 'node:stream'

/** What a file of the delivery package is, for whoever handles it on its way into the zip. */
export type TPackageEntryKind = 'render' | 'clip' | 'audio' | 'handoff' | 'manifest'

/** One file about to be written into the package: opened only when the zip reaches it. */
export interface TPackageEntry {
  /** Its path in the zip. */
  path: string
  kind: TPackageEntryKind
  mimeType: string
  /** The store's sha256 of the bytes (media files), so a signer can name its ingredient. */
  sha256?: string
  /** Its size in bytes (media files, from the store), so a signer knows whether it can hold it whole. */
  byteSize?: number
  /** Opens the bytes; called once, when the zip writes this entry. */
  open(): Promise<Readable>
}

/**
 * The Content Credentials seam: every file of the package passes through this before it is added
 * to the zip, in zip order, and the entries it returns are written instead (the same path with an
 * `open` that yields signed bytes, plus a sidecar `.c2pa` beside a file whose format cannot carry a
 * manifest, …). `open` is still called only when the zip reaches the entry, so signing can stream
 * too. The C2PA signer plugs in here; without one the files are written as the store holds them.
 */
export type TPackageEntrySigner = (entry: TPackageEntry) => Promise<TPackageEntry[]>
