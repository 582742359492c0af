import type { TSequenceTimeline, TTimelineAudioItem } from '@montage/core'
import { audioItemEnd, audioLanes } from './audio-lanes'
import { fcpTime } from './frame-time'
import { handoffLayout } from './handoff-layout'
import type { TDeliveryMediaPaths } from './media-paths'
import { xmlText } from './xml-text'

/** The FCPXML version written: 1.10 (Final Cut Pro 10.6; Resolve and Premiere importers read it). */
export const FCPXML_VERSION = '1.10'

/** Final Cut Pro's built-in Cross Dissolve, by the uid its own exports name it with. */
const CROSS_DISSOLVE_UID = 'FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265'

/** Whole-number dB for `adjust-volume`, only where the gain is not unity. */
const volume = (db: number): string => (db === 0 ? '' : `<adjust-volume amount="${Math.round(db * 100) / 100}dB"/>`)

/**
 * The sequence as FCPXML: `resources` (the sequence's format, one `asset` per file with its
 * `media-rep` at the file's path in the package, the Cross Dissolve effect), then
 * `library/event/project/sequence/spine`. The spine holds the clips as `asset-clip`s laid end to
 * end, each trimmed at the cut with a `transition` over the cut where the sequence crossfades;
 * audio items ride as connected `asset-clip`s on negative lanes of the spine clip under their
 * start (a trailing `gap` carries sound that outlasts the picture). Every time is `n/fps s`.
 */
export function writeFcpxml(timeline: TSequenceTimeline, media: TDeliveryMediaPaths): string {
  const fps = timeline.fps
  const t = (frames: number) => fcpTime(frames, fps)
  const { clips, totalFrames } = handoffLayout(timeline)
  const lanes = audioLanes(timeline.audioTracks)

  // Resources: r1 the format, r2 the dissolve, then one asset per file of the package.
  const assetIds = new Map<string, string>()
  const assets: string[] = []
  const addAsset = (path: string, name: string, sha256: string, frames: number, kind: 'video' | 'audio') => {
    if (assetIds.has(path)) return
    const id = `r${assetIds.size + 3}`
    assetIds.set(path, id)
    const what = kind === 'video' ? `hasVideo="1" format="r1" videoSources="1"` : `hasAudio="1" audioSources="1"`
    assets.push(
      `    <asset id="${id}" name="${xmlText(name)}" uid="${sha256.toUpperCase()}" start="0s" duration="${t(frames)}" ${what}>\n` +
        `      <media-rep kind="original-media" src="${xmlText(encodeURI(path))}"/>\n` +
        `    </asset>`,
    )
  }
  for (const { clip } of clips) addAsset(media.clip(clip), clip.label || 'Clip', clip.assetSha256, clip.sourceFrames, 'video')
  for (const lane of lanes) for (const item of lane.items) addAsset(media.audio(item), item.name || 'Sound', item.assetSha256, item.sourceFrames, 'audio')

  // Each sound attaches to the spine element under its start; its offset is in that element's own time.
  const audioEnd = Math.max(totalFrames, ...lanes.flatMap((l) => l.items.map(audioItemEnd)))
  const spineSpans = clips.map((c) => ({ offset: c.recordIn, duration: c.trimmedFrames, start: c.clip.inFrame }))
  if (audioEnd > totalFrames) spineSpans.push({ offset: totalFrames, duration: audioEnd - totalFrames, start: 0 })
  const connected: string[][] = spineSpans.map(() => [])
  for (const [laneIndex, lane] of lanes.entries()) {
    for (const item of lane.items) {
      const parent = spineSpans.findIndex((s) => item.startFrame >= s.offset && item.startFrame < s.offset + s.duration)
      const span = spineSpans[parent]!
      connected[parent]!.push(connectedAudio(item, { ref: assetIds.get(media.audio(item))!, lane: laneIndex + 1, offset: span.start + item.startFrame - span.offset, trackGainDb: lane.track.gainDb, muted: lane.track.muted }, t))
    }
  }

  const spine: string[] = []
  for (const [i, c] of clips.entries()) {
    if (c.incomingFrames > 0) {
      spine.push(`            <transition name="Cross Dissolve" offset="${t(c.recordIn)}" duration="${t(c.incomingFrames)}">\n              <filter-video ref="r2" name="Cross Dissolve"/>\n            </transition>`)
    }
    const children = [volume(c.clip.gainDb), ...connected[i]!].filter(Boolean)
    const open = `            <asset-clip ref="${assetIds.get(media.clip(c.clip))}" name="${xmlText(c.clip.label || `Clip ${i + 1}`)}" offset="${t(c.recordIn)}" start="${t(c.clip.inFrame)}" duration="${t(c.trimmedFrames)}" format="r1" tcFormat="NDF"`
    spine.push(children.length ? `${open}>\n${children.map((x) => `              ${x}`).join('\n')}\n            </asset-clip>` : `${open}/>`)
  }
  if (audioEnd > totalFrames) {
    // Sound that outlasts the picture: the gap keeps the sequence as long as it.
    const open = `            <gap name="Gap" offset="${t(totalFrames)}" start="0s" duration="${t(audioEnd - totalFrames)}"`
    const inside = connected[clips.length]!
    spine.push(inside.length ? `${open}>\n${inside.map((x) => `              ${x}`).join('\n')}\n            </gap>` : `${open}/>`)
  }

  const title = xmlText(timeline.title || 'Sequence')
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE fcpxml>',
    `<fcpxml version="${FCPXML_VERSION}">`,
    '  <resources>',
    `    <format id="r1" name="FFVideoFormat${timeline.height}p${fps}" frameDuration="${t(1)}" width="${timeline.width}" height="${timeline.height}" colorSpace="1-1-1 (Rec. 709)"/>`,
    `    <effect id="r2" name="Cross Dissolve" uid="${CROSS_DISSOLVE_UID}"/>`,
    ...assets,
    '  </resources>',
    '  <library>',
    `    <event name="${title}">`,
    `      <project name="${title}">`,
    `        <sequence format="r1" duration="${t(audioEnd)}" tcStart="0s" tcFormat="NDF" audioLayout="stereo" audioRate="48k">`,
    '          <spine>',
    ...spine,
    '          </spine>',
    '        </sequence>',
    '      </project>',
    '    </event>',
    '  </library>',
    '</fcpxml>',
    '',
  ].join('\n')
}

/** A sound as a connected clip: `offset` is in its parent's own time (the parent's start plus how far in). */
function connectedAudio(item: TTimelineAudioItem, at: { ref: string; lane: number; offset: number; trackGainDb: number; muted: boolean }, t: (f: number) => string): string {
  const gain = volume(item.gainDb + at.trackGainDb)
  const open = `<asset-clip ref="${at.ref}" lane="-${at.lane}" name="${xmlText(item.name || 'Sound')}" offset="${t(at.offset)}" start="${t(item.inFrame)}" duration="${t(item.outFrame - item.inFrame)}"${at.muted ? ' enabled="0"' : ''}`
  return gain ? `${open}>${gain}</asset-clip>` : `${open}/>`
}
