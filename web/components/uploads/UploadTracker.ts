import { atom, type Atom } from 'tldraw'

/** A file on its way to the server, as only the person uploading it sees it. */
export interface TLocalUpload {
  /** 0..1 of the bytes sent. */
  progress: number
  /** The server's reason when it refused the file. */
  error: string | null
  fileName: string
}

/**
 * Upload progress per board shape. Progress is local to the uploader's browser (syncing every
 * percent to the whole board would flood it); everyone else sees the card's synced `ingest` state.
 */
export class UploadTracker {
  private readonly uploads: Atom<ReadonlyMap<string, TLocalUpload>> = atom('uploads', new Map())

  get(shapeId: string): TLocalUpload | undefined {
    return this.uploads.get().get(shapeId)
  }

  start(shapeId: string, fileName: string): void {
    this.patch(shapeId, { progress: 0, error: null, fileName })
  }

  progress(shapeId: string, progress: number): void {
    const current = this.get(shapeId)
    if (current) this.patch(shapeId, { ...current, progress })
  }

  fail(shapeId: string, error: string): void {
    const current = this.get(shapeId)
    this.patch(shapeId, { progress: current?.progress ?? 0, fileName: current?.fileName ?? '', error })
  }

  finish(shapeId: string): void {
    const next = new Map(this.uploads.get())
    next.delete(shapeId)
    this.uploads.set(next)
  }

  private patch(shapeId: string, upload: TLocalUpload): void {
    const next = new Map(this.uploads.get())
    next.set(shapeId, upload)
    this.uploads.set(next)
  }
}
