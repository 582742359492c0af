import { PassThrough, Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { ZipFile } from 'yazl'
import { AssetNotFoundError, type AssetStore } from '@montage/assets'
import type { TSequenceTimeline } from '@montage/core'
import { buildDeliveryManifest, type BuildDeliveryManifestOptions, type TDeliveryManifest } from './delivery-manifest'
import { deliveryMediaPaths, extensionOf, slug, type TDeliveryMediaPaths } from './media-paths'
import type { TPackageEntry, TPackageEntrySigner } from './package-entry'
import { writeEdl } from './write-edl'
import { writeFcpxml } from './write-fcpxml'
import { writeOtio } from './write-otio'

/** Files of the sequence the store no longer holds; nothing was streamed. */
export class DeliveryMediaMissingError extends Error {
  override name = 'DeliveryMediaMissingError'
  constructor(readonly paths: string[]) {
    super(`The package cannot be built: ${paths.join(', ')} ${paths.length === 1 ? 'is' : 'are'} missing from the asset store.`)
  }
}

export interface StreamDeliveryPackageOptions {
  store: AssetStore
  timeline: TSequenceTimeline
  /** The rendered sequence (the latest succeeded render variation). */
  render: { sha256: string; mimeType: string; variationId: string; generationId: string | null }
  /** What the manifest needs beyond the timeline and the package's paths. */
  provenance: Pick<BuildDeliveryManifestOptions, 'generations' | 'decisions' | 'approved' | 'prompts' | 'now'>
  /** The Content Credentials seam (`TPackageEntrySigner`); files go in unchanged without one. */
  signEntry?: TPackageEntrySigner
}

export interface TDeliveryPackage {
  /** The zip, produced as it is read: media are read from the store one at a time, never held whole. */
  stream: Readable
  /** Its file name: `<sequence>-delivery.zip`. */
  fileName: string
  /** Every path written, in order (a signer's sidecars are added as they come). */
  paths: string[]
  manifest: TDeliveryManifest
}

/** Media are stored (already compressed; deflate would cost CPU for nothing); text is deflated. */
const storedAsIs = (entry: TPackageEntry) => entry.kind === 'render' || entry.kind === 'clip' || entry.kind === 'audio'

/**
 * The delivery package as one streamed zip: `manifest.json`, the hand-off files
 * (`<title>.otio`, `.fcpxml`, `.edl`) at the root pointing at `clips/…` and `audio/…`, the render
 * under `render/`, and each clip's and sound's full-quality file once. Every media file is checked
 * to be in the store before the first byte goes out, so a missing one is a refusal (naming it),
 * not a broken download.
 */
export async function streamDeliveryPackage(opts: StreamDeliveryPackageOptions): Promise<TDeliveryPackage> {
  const { store, timeline } = opts
  const media: TDeliveryMediaPaths = deliveryMediaPaths(timeline)
  const base = slug(timeline.title, 'sequence')
  const renderPath = `render/${base}.${extensionOf(opts.render.mimeType)}`
  const handoff = { otio: `${base}.otio`, fcpxml: `${base}.fcpxml`, edl: `${base}.edl` }
  // Written first: a writer that refuses the timeline refuses before anything is streamed.
  const texts = { otio: writeOtio(timeline, media), fcpxml: writeFcpxml(timeline, media), edl: writeEdl(timeline, media) }
  const manifest = buildDeliveryManifest({ timeline, media, render: { file: renderPath, ...opts.render }, handoff, ...opts.provenance })

  const missing: string[] = []
  const sizes = new Map<string, number>()
  for (const file of [{ sha256: opts.render.sha256, path: renderPath }, ...media.files]) {
    try {
      sizes.set(file.sha256, await store.size(file.sha256))
    } catch (e) {
      if (!(e instanceof AssetNotFoundError)) throw e
      missing.push(file.path)
    }
  }
  if (missing.length) throw new DeliveryMediaMissingError(missing)

  const text = (path: string, kind: TPackageEntry['kind'], mimeType: string, body: string): TPackageEntry => ({ path, kind, mimeType, open: async () => Readable.from([Buffer.from(body, 'utf8')]) })
  const fromStore = (path: string, kind: TPackageEntry['kind'], mimeType: string, sha256: string): TPackageEntry => ({ path, kind, mimeType, sha256, byteSize: sizes.get(sha256), open: () => store.read(sha256) })
  const entries: TPackageEntry[] = [
    text('manifest.json', 'manifest', 'application/json', `${JSON.stringify(manifest, null, 2)}\n`),
    text(handoff.otio, 'handoff', 'application/json', texts.otio),
    text(handoff.fcpxml, 'handoff', 'application/xml', texts.fcpxml),
    text(handoff.edl, 'handoff', 'text/plain', texts.edl),
    fromStore(renderPath, 'render', opts.render.mimeType, opts.render.sha256),
    ...media.files.map((f) => fromStore(f.path, f.kind, f.mimeType, f.sha256)),
  ]

  const zip = new ZipFile()
  const out = new PassThrough()
  const paths: string[] = []
  const mtime = opts.provenance.now ?? new Date()
  // The store read being written now: a download given up half way closes it at once.
  let reading: Readable | null = null
  zip.on('error', (e: Error) => out.destroy(e))
  zip.outputStream.on('error', (e: Error) => out.destroy(e))
  zip.outputStream.pipe(out)
  out.on('close', () => {
    if (out.writableFinished) return
    zip.outputStream.unpipe(out)
    reading?.destroy()
  })

  // yazl opens a lazy entry only when the previous one is written, and the next read waits for
  // that one to be closed too (its file or connection let go: its 'close' can come a little after
  // its end): one store read at a time.
  const add = (entry: TPackageEntry) => {
    paths.push(entry.path)
    zip.addReadStreamLazy(entry.path, { compress: !storedAsIs(entry), mtime }, (cb) => {
      const previous = reading
      const released = previous ? finished(previous).catch(() => undefined) : Promise.resolve()
      released.then(() => entry.open()).then(
        (stream) => {
          reading = stream
          cb(null, stream)
        },
        (e: unknown) => cb(e, undefined as never),
      )
    })
  }
  const feed = async () => {
    for (const entry of entries) {
      for (const signed of opts.signEntry ? await opts.signEntry(entry) : [entry]) add(signed)
    }
    zip.end()
  }
  if (opts.signEntry) feed().catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))))
  else {
    entries.forEach(add)
    zip.end()
  }
  return { stream: out, fileName: `${base}-delivery.zip`, paths, manifest }
}
