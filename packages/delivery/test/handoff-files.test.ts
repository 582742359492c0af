import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { clipFrames, layoutTimeline, ZSequenceTimeline, type TSequenceFps, type TSequenceTimeline } from '@montage/core'
import { audioLanes, deliveryMediaPaths, writeEdl, writeFcpxml, writeOtio } from '../src'
import { campaignTimeline, clip } from './fixtures'
import { child, readXmlTree, walk, type TXmlElement } from './xml-tree'

/** What each clip of the sequence is, as the sequence itself says: the expectation every file must meet. */
function expectedClips(timeline: TSequenceTimeline) {
  const media = deliveryMediaPaths(timeline)
  const layout = layoutTimeline(timeline)
  return timeline.clips.map((c, i) => ({
    path: media.clip(c),
    sourceIn: c.inFrame,
    sourceOut: c.outFrame,
    recordIn: layout.clips[i]!.recordIn,
    recordOut: layout.clips[i]!.recordOut,
    crossfade: c.transition === 'crossfade' ? c.transitionFrames : 0,
  }))
}

function expectedSounds(timeline: TSequenceTimeline) {
  const media = deliveryMediaPaths(timeline)
  return timeline.audioTracks
    .flatMap((t) => t.items.map((a) => ({ path: media.audio(a), sourceIn: a.inFrame, sourceOut: a.outFrame, recordIn: a.startFrame, recordOut: a.startFrame + a.outFrame - a.inFrame, enabled: !t.muted })))
    .sort((a, b) => a.recordIn - b.recordIn)
}

type TOtio = { OTIO_SCHEMA: string; [k: string]: unknown }
type TRational = { OTIO_SCHEMA: string; rate: number; value: number }
type TRange = { OTIO_SCHEMA: string; start_time: TRational; duration: TRational }

/**
 * Reads an .otio back as an editor's tool would: items laid end to end on each track (transitions
 * take no time), each clip's used media widened by the handles its neighbouring transitions use
 * (`in_offset` of the one before, `out_offset` of the one after, as OTIO's `handles_of_child`).
 */
function readOtio(text: string, fps: number) {
  const otio = JSON.parse(text) as TOtio
  expect(otio.OTIO_SCHEMA).toBe('Timeline.1')
  const stack = otio.tracks as TOtio & { children: (TOtio & { kind: string; enabled: boolean; children: TOtio[] })[] }
  expect(stack.OTIO_SCHEMA).toBe('Stack.1')
  const frames = (t: TRational) => {
    expect(t.OTIO_SCHEMA).toBe('RationalTime.1')
    expect(t.rate).toBe(fps)
    expect(Number.isInteger(t.value)).toBe(true)
    return t.value
  }
  const range = (r: TRange) => {
    expect(r.OTIO_SCHEMA).toBe('TimeRange.1')
    return { start: frames(r.start_time), duration: frames(r.duration) }
  }
  const tracks = stack.children.map((track) => {
    expect(track.OTIO_SCHEMA).toBe('Track.1')
    const clips: { path: string; sourceIn: number; sourceOut: number; recordIn: number; recordOut: number; crossfade: number }[] = []
    let position = 0
    track.children.forEach((item, i) => {
      if (item.OTIO_SCHEMA === 'Transition.1') {
        expect(item.transition_type).toBe('SMPTE_Dissolve')
        return
      }
      const r = range(item.source_range as TRange)
      if (item.OTIO_SCHEMA === 'Gap.1') {
        position += r.duration
        return
      }
      expect(item.OTIO_SCHEMA).toBe('Clip.2')
      expect(item.active_media_reference_key).toBe('DEFAULT_MEDIA')
      const ref = (item.media_references as Record<string, TOtio>).DEFAULT_MEDIA!
      expect(ref.OTIO_SCHEMA).toBe('ExternalReference.1')
      const before = track.children[i - 1]
      const after = track.children[i + 1]
      const head = before?.OTIO_SCHEMA === 'Transition.1' ? frames(before.in_offset as TRational) : 0
      const tail = after?.OTIO_SCHEMA === 'Transition.1' ? frames(after.out_offset as TRational) : 0
      const crossfade = before?.OTIO_SCHEMA === 'Transition.1' ? frames(before.in_offset as TRational) + frames(before.out_offset as TRational) : 0
      clips.push({ path: ref.target_url as string, sourceIn: r.start - head, sourceOut: r.start + r.duration + tail, recordIn: position - head, recordOut: position + r.duration + tail, crossfade })
      position += r.duration
    })
    return { kind: track.kind, enabled: track.enabled, clips }
  })
  return { otio, tracks }
}

const tmp = mkdtempSync(path.join(tmpdir(), 'delivery-handoff-'))

function xmllint(xml: string): string {
  const file = path.join(tmp, `seq-${Math.random().toString(36).slice(2)}.fcpxml`)
  writeFileSync(file, xml)
  return execFileSync('xmllint', ['--noout', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** FCPXML time `n/ds` or `0s` in frames at `fps`; anything off the frame grid fails. */
function fcpFrames(value: string | undefined, fps: number): number {
  expect(value, 'a time attribute').toMatch(/^(0|\d+(\/\d+)?)s$/)
  const [n, d = '1'] = value!.slice(0, -1).split('/')
  const frames = (Number(n) * fps) / Number(d)
  expect(Number.isInteger(frames), `${value} is on the ${fps} fps frame grid`).toBe(true)
  return frames
}

/** Non-drop timecode to frames, read independently of the writer. */
function tcFrames(tc: string, fps: number): number {
  const [h, m, s, f] = tc.split(':').map(Number) as [number, number, number, number]
  expect(f).toBeLessThan(fps)
  return ((h * 60 + m) * 60 + s) * fps + f
}

/**
 * What the FCPXML 1.10 DTD allows for each element this writer uses, as read from Apple's published
 * DTD (which cannot sit in our fixtures: it is "All rights reserved"): the children in their
 * order, the attributes, and which of them are required.
 */
const FCPXML_110: Record<string, { children: string[]; attrs: string[]; required: string[] }> = {
  fcpxml: { children: ['import-options', 'resources', 'library'], attrs: ['version'], required: ['version'] },
  resources: { children: ['asset', 'effect', 'format', 'media', 'locator'], attrs: [], required: [] },
  format: { children: [], attrs: ['id', 'name', 'frameDuration', 'fieldOrder', 'width', 'height', 'paspH', 'paspV', 'colorSpace', 'projection', 'stereoscopic'], required: ['id'] },
  effect: { children: [], attrs: ['id', 'name', 'uid', 'src'], required: ['id', 'uid'] },
  asset: {
    children: ['media-rep', 'metadata'],
    attrs: ['id', 'name', 'uid', 'start', 'duration', 'hasVideo', 'format', 'hasAudio', 'videoSources', 'audioSources', 'audioChannels', 'audioRate'],
    required: ['id'],
  },
  'media-rep': { children: ['bookmark'], attrs: ['kind', 'sig', 'src', 'suggestedFilename'], required: ['src'] },
  library: { children: ['event', 'smart-collection'], attrs: ['location', 'colorProcessing'], required: [] },
  event: { children: ['project', 'asset-clip', 'clip'], attrs: ['name', 'uid'], required: [] },
  project: { children: ['sequence'], attrs: ['name', 'uid', 'id', 'modDate'], required: [] },
  sequence: { children: ['note', 'spine', 'metadata'], attrs: ['format', 'duration', 'tcStart', 'tcFormat', 'audioLayout', 'audioRate', 'renderFormat', 'keywords'], required: ['format'] },
  spine: { children: ['asset-clip', 'gap', 'transition', 'clip', 'video', 'audio'], attrs: ['lane', 'offset', 'name', 'format'], required: [] },
  'asset-clip': {
    // note, timing, intrinsic video then audio params (adjust-volume), anchored items, markers, filters.
    children: ['note', 'conform-rate', 'timeMap', 'adjust-transform', 'adjust-volume', 'adjust-panner', 'asset-clip', 'clip', 'video', 'audio', 'marker', 'filter-video', 'filter-audio', 'metadata'],
    attrs: ['ref', 'lane', 'offset', 'name', 'start', 'duration', 'enabled', 'srcEnable', 'audioStart', 'audioDuration', 'format', 'tcStart', 'tcFormat', 'modDate', 'audioRole', 'videoRole'],
    required: ['ref'],
  },
  gap: { children: ['note', 'asset-clip', 'clip', 'video', 'audio', 'marker', 'metadata'], attrs: ['name', 'offset', 'start', 'duration', 'enabled'], required: ['duration'] },
  transition: { children: ['filter-video', 'filter-audio', 'marker', 'metadata'], attrs: ['name', 'offset', 'duration'], required: ['duration'] },
  'filter-video': { children: ['data', 'param'], attrs: ['ref', 'name', 'enabled'], required: ['ref'] },
  'adjust-volume': { children: ['param'], attrs: ['amount'], required: [] },
}

/** Every element is one the DTD knows here, with only its attributes, its required ones, and its children in the DTD's order. */
function checkAgainstDtdTable(root: TXmlElement): void {
  for (const el of walk(root)) {
    const rule = FCPXML_110[el.name]
    expect(rule, `<${el.name}> is an element this writer may use`).toBeDefined()
    for (const a of Object.keys(el.attrs)) expect(rule!.attrs, `<${el.name} ${a}>`).toContain(a)
    for (const a of rule!.required) expect(el.attrs[a], `<${el.name}> requires ${a}`).toBeDefined()
    const order = el.children.map((c) => rule!.children.indexOf(c.name))
    for (const [i, at] of order.entries()) {
      expect(at, `<${el.children[i]!.name}> inside <${el.name}>`).toBeGreaterThanOrEqual(0)
      // Children of one kind may repeat; kinds come in the DTD's order (resources and spine children mix freely).
      if (i > 0 && el.name !== 'resources' && el.name !== 'spine' && !(el.name === 'asset-clip' && at >= 6 && order[i - 1]! >= 6 && at <= 9 && order[i - 1]! <= 9)) {
        expect(at, `<${el.children[i]!.name}> after <${el.children[i - 1]!.name}> inside <${el.name}>`).toBeGreaterThanOrEqual(order[i - 1]!)
      }
    }
  }
  expect(root.attrs.version).toBe('1.10')
}

const FPS_CASES: TSequenceFps[] = [24, 25, 30]

describe('OpenTimelineIO', () => {
  it.each(FPS_CASES)('round-trips at %i fps: every clip’s media path, source range and record position equal the sequence’s', (fps) => {
    const timeline = campaignTimeline(fps)
    const { otio, tracks } = readOtio(writeOtio(timeline, deliveryMediaPaths(timeline)), fps)
    const video = tracks.filter((t) => t.kind === 'Video')
    expect(video).toHaveLength(1)
    expect(video[0]!.clips).toEqual(expectedClips(timeline))
    // Every sound is on an audio track at its place; a muted track is disabled; no two sounds of one OTIO track overlap.
    const sounds = tracks.filter((t) => t.kind === 'Audio').flatMap((t) => t.clips.map((c) => ({ ...c, enabled: t.enabled })))
    expect(sounds.map(({ crossfade: _, ...s }) => s).sort((a, b) => a.recordIn - b.recordIn)).toEqual(expectedSounds(timeline))
    expect(tracks.filter((t) => t.kind === 'Audio')).toHaveLength(audioLanes(timeline.audioTracks).length)
    // Each path is one of the package's files.
    const files = new Set(deliveryMediaPaths(timeline).files.map((f) => f.path))
    for (const c of tracks.flatMap((t) => t.clips)) expect(files.has(c.path)).toBe(true)
    expect(otio.name).toBe(timeline.title)
  })

  it('keeps a plain cut list plain: no transitions, one clip per clip, record positions end to end', () => {
    const timeline = ZSequenceTimeline.parse({ ...campaignTimeline(24), clips: [clip('x', { outFrame: 30 }), clip('y', { inFrame: 5, outFrame: 20 })], audioTracks: [] })
    const text = writeOtio(timeline, deliveryMediaPaths(timeline))
    expect(text).not.toContain('Transition.1')
    expect(readOtio(text, 24).tracks[0]!.clips.map((c) => [c.recordIn, c.recordOut])).toEqual([
      [0, 30],
      [30, 45],
    ])
  })
})

describe('FCPXML', () => {
  it.each(FPS_CASES)('is well-formed and has what the FCPXML 1.10 DTD requires, every time on the %i fps grid', (fps) => {
    const timeline = campaignTimeline(fps)
    const xml = writeFcpxml(timeline, deliveryMediaPaths(timeline))
    expect(xmllint(xml)).toBe('')
    const root = readXmlTree(xml)
    expect(root.name).toBe('fcpxml')
    checkAgainstDtdTable(root)

    // <!ELEMENT fcpxml (import-options?, resources?, (library | event* | ...))>: resources, then library.
    expect(root.children.map((c) => c.name)).toEqual(['resources', 'library'])
    const [resources, library] = root.children as [TXmlElement, TXmlElement]
    // IDs are unique, and every IDREF (ref, format) names one of them.
    const ids = new Map<string, TXmlElement>()
    for (const el of walk(root)) {
      if (el.attrs.id) {
        expect(ids.has(el.attrs.id), `id ${el.attrs.id} unique`).toBe(false)
        ids.set(el.attrs.id, el)
      }
    }
    for (const el of walk(root)) {
      for (const attr of ['ref', 'format'] as const) if (el.attrs[attr] !== undefined) expect(ids.has(el.attrs[attr]!), `${el.name} ${attr}=${el.attrs[attr]}`).toBe(true)
    }
    // format: frameDuration is one frame; asset: id, a media-rep (kind, src) pointing at a package file.
    const formats = child(resources, 'format')
    expect(formats).toHaveLength(1)
    expect(fcpFrames(formats[0]!.attrs.frameDuration, fps)).toBe(1)
    expect([formats[0]!.attrs.width, formats[0]!.attrs.height]).toEqual([String(timeline.width), String(timeline.height)])
    const files = new Set(deliveryMediaPaths(timeline).files.map((f) => f.path))
    const assets = child(resources, 'asset')
    expect(assets.length).toBe(files.size)
    for (const asset of assets) {
      const reps = child(asset, 'media-rep')
      expect(reps.length).toBeGreaterThanOrEqual(1)
      expect(reps[0]!.attrs.kind).toBe('original-media')
      expect(files.has(decodeURI(reps[0]!.attrs.src!))).toBe(true)
    }
    // library > event > project > sequence(format) > spine
    const event = child(library, 'event')[0]!
    const project = child(event, 'project')[0]!
    const sequence = child(project, 'sequence')[0]!
    expect(ids.get(sequence.attrs.format!)?.name).toBe('format')
    const spine = child(sequence, 'spine')[0]!
    expect(spine).toBeDefined()

    // Every time attribute anywhere is rational seconds on the frame grid.
    for (const el of walk(root)) for (const attr of ['offset', 'start', 'duration', 'tcStart', 'frameDuration']) if (el.attrs[attr] !== undefined) fcpFrames(el.attrs[attr], fps)

    // The spine: asset-clips laid end to end; their handles (the transition after each) give back the sequence.
    const items = spine.children
    expect(items.every((c) => ['asset-clip', 'transition', 'gap'].includes(c.name))).toBe(true)
    const want = expectedClips(timeline)
    const clipsRead = items
      .map((el, i) => ({ el, i }))
      .filter(({ el }) => el.name === 'asset-clip')
      .map(({ el, i }) => {
        const next = items[i + 1]
        const prev = items[i - 1]
        const tail = next?.name === 'transition' ? fcpFrames(next.attrs.duration, fps) : 0
        const offset = fcpFrames(el.attrs.offset, fps)
        const start = fcpFrames(el.attrs.start, fps)
        const duration = fcpFrames(el.attrs.duration, fps)
        if (prev?.name === 'transition') expect(fcpFrames(prev.attrs.offset, fps)).toBe(offset)
        const src = child(ids.get(el.attrs.ref!)!, 'media-rep')[0]!.attrs.src!
        return { path: decodeURI(src), sourceIn: start, sourceOut: start + duration + tail, recordIn: offset, recordOut: offset + duration + tail, crossfade: prev?.name === 'transition' ? fcpFrames(prev.attrs.duration, fps) : 0 }
      })
    expect(clipsRead).toEqual(want)
    for (let i = 1; i < items.length; i++) {
      if (items[i]!.name === 'transition' || items[i - 1]!.name === 'transition') continue
      expect(fcpFrames(items[i]!.attrs.offset, fps)).toBe(fcpFrames(items[i - 1]!.attrs.offset, fps) + fcpFrames(items[i - 1]!.attrs.duration, fps))
    }

    // Sounds: connected clips on negative lanes; offset is in the parent's time.
    const sounds = items.flatMap((parent) =>
      child(parent, 'asset-clip').map((el) => {
        expect(Number(el.attrs.lane)).toBeLessThan(0)
        const at = fcpFrames(parent.attrs.offset, fps) + fcpFrames(el.attrs.offset, fps) - fcpFrames(parent.attrs.start ?? '0s', fps)
        const start = fcpFrames(el.attrs.start, fps)
        const src = child(ids.get(el.attrs.ref!)!, 'media-rep')[0]!.attrs.src!
        return { path: decodeURI(src), sourceIn: start, sourceOut: start + fcpFrames(el.attrs.duration, fps), recordIn: at, recordOut: at + fcpFrames(el.attrs.duration, fps), enabled: el.attrs.enabled !== '0' }
      }),
    )
    expect(sounds.sort((a, b) => a.recordIn - b.recordIn)).toEqual(expectedSounds(timeline))
    // The sequence lasts until the last picture or sound ends.
    const end = Math.max(...want.map((c) => c.recordOut), ...expectedSounds(timeline).map((s) => s.recordOut))
    expect(fcpFrames(sequence.attrs.duration, fps)).toBe(end)
  })

  it('escapes names people typed', () => {
    const timeline = campaignTimeline(24)
    const xml = writeFcpxml(timeline, deliveryMediaPaths(timeline))
    expect(xmllint(xml)).toBe('')
    expect([...walk(readXmlTree(xml))].some((el) => el.attrs.name === 'Keeper & "lamp" <close>')).toBe(true)
  })
})

/** The EDL's events as a reader of CMX3600 splits them. */
function readEdl(text: string, fps: number) {
  const lines = text.split(/\r?\n/)
  expect(lines[0]).toMatch(/^TITLE: /)
  expect(lines[1]).toBe('FCM: NON-DROP FRAME')
  const events: { n: number; reel: string; channel: string; kind: string; frames: number | null; srcIn: number; srcOut: number; recIn: number; recOut: number; notes: string[] }[] = []
  for (const line of lines.slice(2)) {
    const m = /^(\d{3})\s+(\S+)\s+(\S+)\s+(C|D)\s+(?:(\d{3})\s+)?(\S+) (\S+) (\S+) (\S+)$/.exec(line)
    if (m) {
      events.push({ n: Number(m[1]), reel: m[2]!, channel: m[3]!, kind: m[4]!, frames: m[5] ? Number(m[5]) : null, srcIn: tcFrames(m[6]!, fps), srcOut: tcFrames(m[7]!, fps), recIn: tcFrames(m[8]!, fps), recOut: tcFrames(m[9]!, fps), notes: [] })
    } else if (line.trim()) {
      expect(line, 'a note belongs to an event').toMatch(/^(\* |AUD )/)
      events.at(-1)!.notes.push(line)
    }
  }
  return events
}

describe('CMX3600 EDL', () => {
  it.each(FPS_CASES)('at %i fps: events, reels, dissolves and timecodes equal the sequence', (fps) => {
    const timeline = campaignTimeline(fps)
    const edl = writeEdl(timeline, deliveryMediaPaths(timeline))
    const events = readEdl(edl, fps)
    const hour = 3600 * fps
    const want = expectedClips(timeline)
    const video = events.filter((e) => e.channel === 'V')
    const reelOf = new Map<string, string>()
    // Each picture event's incoming line (C for a cut, D for a dissolve) against the sequence.
    const incoming = video.filter((e, i) => !(e.kind === 'C' && video[i + 1]?.n === e.n))
    expect(incoming).toHaveLength(want.length)
    incoming.forEach((e, i) => {
      const w = want[i]!
      const next = want[i + 1]
      const tail = next?.crossfade ?? 0
      expect(e.kind).toBe(w.crossfade ? 'D' : 'C')
      expect(e.frames).toBe(w.crossfade ? w.crossfade : null)
      expect(e.recIn - hour).toBe(w.recordIn)
      expect(e.srcIn).toBe(w.sourceIn)
      // The event runs to the next edit; the dissolve after it plays the rest of this clip.
      expect(e.srcOut + tail).toBe(w.sourceOut)
      expect(e.recOut - hour + tail).toBe(w.recordOut)
      expect(e.notes).toContain(`* SOURCE FILE: ${w.path}`)
      expect(e.reel.length).toBeLessThanOrEqual(8)
      // One reel per file, the same file the same reel.
      if (reelOf.has(w.path)) expect(e.reel).toBe(reelOf.get(w.path))
      reelOf.set(w.path, e.reel)
    })
    expect(new Set(reelOf.values()).size).toBe(reelOf.size)
    // A dissolve's first line holds the outgoing reel still at the edit.
    for (const [i, e] of video.entries()) {
      if (e.kind !== 'D') continue
      const out = video[i - 1]!
      expect(out.n).toBe(e.n)
      expect([out.srcIn, out.recIn, out.recOut]).toEqual([out.srcOut, e.recIn, e.recIn])
      expect(e.notes.some((n) => n.startsWith('* FROM CLIP NAME: '))).toBe(true)
    }
    // The last picture ends where the sequence does.
    expect(Math.max(...video.map((e) => e.recOut)) - hour).toBe(layoutTimeline(timeline).totalFrames)
    // Sounds: one event each, on A/A2 (A3, A4 by AUD notes), at their place.
    const sounds = events
      .filter((e) => e.channel !== 'V')
      .map((e) => ({ path: e.notes.find((n) => n.startsWith('* SOURCE FILE: '))!.slice(15), sourceIn: e.srcIn, sourceOut: e.srcOut, recordIn: e.recIn - hour, recordOut: e.recOut - hour }))
    expect(sounds.sort((a, b) => a.recordIn - b.recordIn)).toEqual(expectedSounds(timeline).map(({ enabled: _, ...s }) => s))
    // Event numbers run 1, 2, 3… with a dissolve's two lines sharing one.
    expect([...new Set(events.map((e) => e.n))]).toEqual(Array.from({ length: new Set(events.map((e) => e.n)).size }, (_, i) => i + 1))
  })

  it('writes a 25 fps crossfade in the timecode an editor reads', () => {
    const timeline = ZSequenceTimeline.parse({
      ...campaignTimeline(25),
      clips: [clip('x', { inFrame: 0, outFrame: 50 }), clip('y', { inFrame: 25, outFrame: 100, transition: 'crossfade', transitionFrames: 10 })],
      audioTracks: [],
    })
    const lines = writeEdl(timeline, deliveryMediaPaths(timeline)).split('\r\n').filter((l) => /^\d{3} /.test(l))
    // Two seconds of x less the dissolve, then y dissolving in over 10 frames from 01:00:01:15.
    expect(lines[0]).toMatch(/ C {8}00:00:00:00 00:00:01:15 01:00:00:00 01:00:01:15$/)
    expect(lines[1]).toMatch(/^002 .* C {8}00:00:01:15 00:00:01:15 01:00:01:15 01:00:01:15$/)
    expect(lines[2]).toMatch(/^002 .* D {4}010 00:00:01:00 00:00:04:00 01:00:01:15 01:00:04:15$/)
    expect(clipFrames(timeline.clips[0]!) + clipFrames(timeline.clips[1]!) - 10).toBe(115) // 01:00:04:15 is 4 s 15 f = 115 frames after 01:00:00:00
  })
})

describe('a still image in the sequence', () => {
  it('is a clip of its own file held for its length in every format', () => {
    const timeline = ZSequenceTimeline.parse({
      ...campaignTimeline(25),
      clips: [clip('x', { outFrame: 50 }), clip('card', { mimeType: 'image/png', still: true, sourceFrames: 75, inFrame: 0, outFrame: 75, label: 'End card' })],
      audioTracks: [],
    })
    const media = deliveryMediaPaths(timeline)
    expect(media.clip(timeline.clips[1]!)).toMatch(/^clips\/02-end-card-[0-9a-f]{8}\.png$/)
    const { tracks } = readOtio(writeOtio(timeline, media), 25)
    expect(tracks[0]!.clips).toEqual(expectedClips(timeline))
    const xml = writeFcpxml(timeline, media)
    expect(xmllint(xml)).toBe('')
    checkAgainstDtdTable(readXmlTree(xml))
    const edl = readEdl(writeEdl(timeline, media), 25)
    expect(edl.map((e) => [e.srcIn, e.srcOut, e.recIn - 3600 * 25, e.recOut - 3600 * 25])).toEqual([
      [0, 50, 0, 50],
      [0, 75, 50, 125],
    ])
  })
})

describe('a sequence no editor’s track can hold', () => {
  it('is refused, naming the clips, in every format', () => {
    // Clip 2 is 20 frames: a 12-frame crossfade in and a 12-frame crossfade out would overlap.
    const timeline = ZSequenceTimeline.parse({
      ...campaignTimeline(24),
      clips: [clip('x'), clip('y', { outFrame: 20, transition: 'crossfade', transitionFrames: 12, label: 'Beam' }), clip('z', { transition: 'crossfade', transitionFrames: 12, label: 'Gull' })],
      audioTracks: [],
    })
    const media = deliveryMediaPaths(timeline)
    for (const write of [writeOtio, writeFcpxml, writeEdl]) expect(() => write(timeline, media)).toThrow('This sequence cannot be exported: Clip 2 (Beam) (20 frames) is shorter than its two crossfades together (12 + 12 frames).')
  })

  it('refuses what the render refuses, with the sequence’s own words', () => {
    const timeline = ZSequenceTimeline.parse({ ...campaignTimeline(24), clips: [clip('x', { inFrame: 0, outFrame: 200, sourceFrames: 120, label: 'Long' })], audioTracks: [] })
    expect(() => writeOtio(timeline, deliveryMediaPaths(timeline))).toThrow(/Clip 1 \(Long\) runs past the end of its source \(120 frames\)/)
  })
})
