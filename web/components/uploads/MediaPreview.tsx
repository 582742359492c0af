'use client'

import { stopEventPropagation, useEditor, type TLShape } from 'tldraw'
import { HoverScrub } from './HoverScrub'
import { useLocalUpload } from './UploadsContext'
import { playbackSha256 } from '@/lib/client/playback-sha256'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import './uploads.css'

type TReference = TLShape<'reference'>

/**
 * The media area of a reference or plain media card through an upload's life: the uploader's
 * progress bar (or the server's refusal), "Processing…" while ingest runs, then the still or, for a
 * clip, its poster with hover-scrub, or for a sound its waveform with a player.
 */
export function MediaPreview({ shape }: { shape: TReference }) {
  const editor = useEditor()
  const upload = useLocalUpload(shape.id)
  const { assetSha256, mimeType, ingest, posterSha256, stripSha256, stripFrames, proxySha256, tag } = shape.props
  const isVideo = mimeType.startsWith('video/')
  const isAudio = mimeType.startsWith('audio/')
  const label = tag ? `@${tag}` : 'Uploaded media'
  // A still is shown from its own bytes while its poster is made; a sound's poster is its waveform.
  const stillUrl = useAssetUrl(isVideo ? '' : isAudio ? posterSha256 : posterSha256 || assetSha256)
  const soundUrl = useAssetUrl(isAudio ? assetSha256 : '')

  if (upload?.error) {
    return (
      <div className="m-media-state m-media-failed" role="alert" data-testid="media" data-state="refused">
        <strong>Upload refused</strong>
        <span className="m-media-error" data-testid="upload-error">{upload.error}</span>
        <span className="m-hint">{upload.fileName}</span>
        <button className="m-btn m-btn-sm" onPointerDown={stopEventPropagation} onClick={() => editor.deleteShape(shape.id)}>
          Remove
        </button>
      </div>
    )
  }
  if (upload) {
    const pct = Math.round(upload.progress * 100)
    return (
      <div className="m-media-state" data-testid="media" data-state="uploading">
        <span className="m-media-label">Uploading {pct}%</span>
        <span className="m-progress m-media-progress" data-testid="upload-progress-bar" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
          <span style={{ width: `${pct}%` }} />
        </span>
        <span className="m-hint m-media-file">{upload.fileName}</span>
      </div>
    )
  }
  if (!assetSha256) {
    return (
      <div className="m-media-state" data-testid="media" data-state={ingest === 'failed' ? 'failed' : 'uploading'}>
        {ingest === 'failed' ? <span className="m-media-error">Upload failed</span> : <><span className="m-spinner" aria-hidden /><span className="m-media-label">Uploading…</span></>}
      </div>
    )
  }
  if (ingest === 'failed') {
    return (
      <div className="m-media-state m-media-failed" data-testid="media" data-state="failed">
        <strong>Could not process this file</strong>
        <span className="m-hint">It is stored, but no preview could be made.</span>
      </div>
    )
  }
  if (isAudio) {
    // Browsers play WAV, MP3, AAC and M4A as they are: the player is there before the waveform is.
    return (
      <div className="m-media-fill m-media-sound" data-testid="media" data-state={ingest === 'pending' ? 'processing' : 'ready'} data-kind="audio">
        {stillUrl ? <img src={stillUrl} alt={`${label}: waveform`} draggable={false} data-testid="media-waveform" /> : <span className="m-media-label">Sound</span>}
        {soundUrl && <audio src={soundUrl} controls preload="metadata" data-testid="media-audio" onPointerDown={stopEventPropagation} />}
        {ingest === 'pending' && <span className="m-media-chip">Processing…</span>}
      </div>
    )
  }
  if (isVideo) {
    if (ingest === 'pending' || !posterSha256) {
      return (
        <div className="m-media-state" data-testid="media" data-state="processing">
          <span className="m-spinner" aria-hidden />
          <span className="m-media-label">Processing…</span>
        </div>
      )
    }
    return (
      <div className="m-media-fill" data-testid="media" data-state="ready" data-kind="video">
        <HoverScrub posterSha256={posterSha256} stripSha256={stripSha256} stripFrames={stripFrames} videoSha256={playbackSha256({ assetSha256, proxySha256 })} label={label} />
      </div>
    )
  }
  return (
    <div className="m-media-fill" data-testid="media" data-state={ingest === 'pending' ? 'processing' : 'ready'} data-kind="image">
      {stillUrl && <img src={stillUrl} alt={label} draggable={false} data-testid="media-thumbnail" />}
      {ingest === 'pending' && <span className="m-media-chip">Processing…</span>}
    </div>
  )
}
