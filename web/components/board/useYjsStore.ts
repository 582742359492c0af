'use client'

import { useCallback, useEffect, useMemo, useState } from 'react'
import {
  DocumentRecordType,
  InstancePresenceRecordType,
  PageRecordType,
  TLDOCUMENT_ID,
  UserRecordType,
  type IndexKey,
  atom,
  createPresenceStateDerivation,
  createUserId,
  createTLStore,
  defaultShapeUtils,
  react,
  type TLAnyShapeUtilConstructor,
  type TLInstancePresence,
  type TLUser,
  type TLRecord,
  type TLStore,
  type TLStoreSnapshot,
} from 'tldraw'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { applyServerUpdatesAsReceived } from '@/lib/client/received-sync'
import { IndexeddbPersistence } from 'y-indexeddb'
// Deep import: the package index also re-exports Node-only NATS helpers.
import { BoardWriteGuard, DEFAULT_BOARD_WRITE_LIMITS, ensureSharedTexts, getMeta, getRecords, getThreads, isSerializedSchema, readValidRecords, SHARED_TEXT_FIELDS, sharedTextKey, sharedTextPropValue, getTexts, type TRecordChange, type TRecordWrites } from '@montage/board/client'
import { SharedTexts } from '@/components/shared-text/SharedTexts'
import { createLiveJobsStore, type TLiveJobsStore } from '@/components/board-context/LiveJobs'
import { keepCollabTokenFresh } from '@/lib/client/collab-token'
import type { TThreadSummary } from '@montage/core'

export type TSyncStatus = 'connecting' | 'live' | 'offline' | 'error'

export interface TSyncProblem {
  kind: 'forbidden' | 'unauthorized' | 'other'
  message: string
}

/** A change of this person's the board did not take, to tell them why (shown as a toast). */
export interface TSyncNotice {
  id: number
  message: string
}

export interface TPeer {
  clientId: number
  id: string
  name: string
  color: string
}

export interface TYjsUser {
  id: string
  name: string
  color: string
}

export interface UseYjsStoreOptions {
  boardId: string
  collabUrl: string
  token: string
  /** Fetches a fresh token for the next connection (Clerk mode; its tokens live 60 s). Must be stable. */
  fetchToken?: () => Promise<string>
  shapeUtils: readonly TLAnyShapeUtilConstructor[]
  user: TYjsUser
  /** False for reviewers: shared texts are read, never written (but for comment drafts, with `canComment`). */
  canWrite?: boolean
  /** May write comment drafts (everyone who may comment: every member role). */
  canComment?: boolean
}

export interface TYjsStoreState {
  store: TLStore
  /** True once the document has been loaded: from this browser's copy, the server's, or seeded. */
  ready: boolean
  /** True once the server's copy has been merged in at least once this session. */
  serverSynced: boolean
  sync: TSyncStatus
  problem: TSyncProblem | null
  peers: TPeer[]
  /** The board's running jobs as the collab-server reports them (its own awareness entry). */
  liveJobs: TLiveJobsStore
  /** Comment thread summaries the API writes into the document's `threads` map (pins on cards). */
  threads: TThreadSummary[]
  /** The last change of this person's that the board refused, until dismissed. */
  notice: TSyncNotice | null
  dismissNotice: () => void
  /** The board's shared texts (prompts and titles edited together); null until the board is open. */
  texts: SharedTexts | null
}

/** Origin of every transaction this client makes, so it can skip its own updates. */
const DEFAULT_PAGE_ID = PageRecordType.createId('page')

const LOCAL_ORIGIN = Symbol('montage-local')
/** What the collab-server's close reason starts with when it refused one of our updates (4400). */
const REFUSED_PREFIX = 'Change refused: '

interface AwarenessState {
  user?: TYjsUser
  presence?: TLInstancePresence | null
}

const NO_ATTRIBUTION_USER = atom<TLUser | null>('no attribution user', null)

/**
 * Binds a TLStore to the board's Y.Doc on the collab-server (after tldraw-yjs-example): document
 * records go through the YKeyValue, presence only through awareness.
 */
export function useYjsStore({ boardId, collabUrl, token, fetchToken, shapeUtils, user, canWrite = true, canComment = canWrite }: UseYjsStoreOptions): TYjsStoreState {
  const store = useMemo(
    () =>
      createTLStore({
        shapeUtils: [...defaultShapeUtils, ...shapeUtils],
        // No current user for tldraw's attribution: it would put a `user:` record into the document
        // on mount, and the board document holds only what the write guard lets in (document, pages,
        // shapes, bindings, assets), so the whole update would be refused.
        users: { currentUser: NO_ATTRIBUTION_USER },
      }),
    // A new board gets a new store; shape utils are module constants.
    [boardId],
  )
  const [ready, setReady] = useState(false)
  const [serverSynced, setServerSynced] = useState(false)
  const [sync, setSync] = useState<TSyncStatus>('connecting')
  const [problem, setProblem] = useState<TSyncProblem | null>(null)
  const [peers, setPeers] = useState<TPeer[]>([])
  const [threads, setThreads] = useState<TThreadSummary[]>([])
  const [notice, setNotice] = useState<TSyncNotice | null>(null)
  const [texts, setTexts] = useState<SharedTexts | null>(null)
  // Bumped when the server refused an update of ours: the board is then read again from the server.
  const [generation, setGeneration] = useState(0)
  const liveJobs = useMemo(() => createLiveJobsStore(), [boardId])
  const dismissNotice = useCallback(() => setNotice(null), [])

  useEffect(() => {
    setReady(false)
    setServerSynced(false)
    setSync('connecting')
    setProblem(null)
    const doc = new Y.Doc()
    const records = getRecords(doc)
    const meta = getMeta(doc)
    // Written only by the server (board command `thread.upsert`).
    const threadMap = getThreads(doc)
    const onThreads = () => setThreads([...threadMap.values()])
    setThreads([])
    // Connected by keepCollabTokenFresh once its token is good, and given a fresh one before each reconnect.
    const provider = new WebsocketProvider(`${collabUrl.replace(/\/$/, '')}/boards`, boardId, doc, {
      connect: false,
      disableBc: true,
      maxBackoffTime: 10_000,
    })
    applyServerUpdatesAsReceived(provider)
    const cleanups: (() => void)[] = [keepCollabTokenFresh(provider, { token, fetchToken })]
    threadMap.observe(onThreads)
    cleanups.push(() => threadMap.unobserve(onThreads))
    let loaded = false
    // This browser's copy of the board: a reload shows it at once, and edits made while the
    // server is out of reach survive a closed tab and reach the server on the next connection.
    const local = typeof indexedDB === 'undefined' ? null : new IndexeddbPersistence(`montage-board-${boardId}`, doc)

    // The collab-server's own policy, run on each change of this person's before it is sent.
    const guard = new BoardWriteGuard(doc, DEFAULT_BOARD_WRITE_LIMITS)
    cleanups.push(() => guard.destroy())
    const sharedTexts = new SharedTexts(doc, records, guard, provider.awareness, canWrite, canComment)
    const textMap = getTexts(doc)
    cleanups.push(() => sharedTexts.destroy())

    // --- local store → doc
    cleanups.push(
      store.listen(
        ({ changes }) => {
          // Before the first sync the editor only bootstraps its own defaults (a page, the
          // document); writing those would add a stray page to every board.
          if (!loaded) return
          // Checked as the collab-server checks it: a change it would refuse (and close our
          // connection for) is taken back here, with the reason.
          const writes: TRecordWrites = { written: new Map(), deleted: new Set() }
          // Text fields edited together: a field this change sets (a put-back shape, an undo, a script)
          // goes into its shared text; one it leaves alone is what the shared text says, whatever this
          // copy of the record still holds.
          const corrected: TLRecord[] = []
          const intoTexts: { id: string; field: string; value: string }[] = []
          const withTexts = (r: TLRecord, before: TLRecord | null): TLRecord => {
            const fixed = withSharedTexts(r, before, textMap, intoTexts)
            if (fixed !== r) corrected.push(fixed)
            return fixed
          }
          for (const r of Object.values(changes.added)) writes.written.set(r.id, withTexts(r, null))
          for (const [before, r] of Object.values(changes.updated)) writes.written.set(r.id, withTexts(r, before))
          for (const r of Object.values(changes.removed)) writes.deleted.add(r.id)
          const problem = guard.checkWrites(writes)
          if (problem) {
            store.mergeRemoteChanges(() => {
              const added = Object.keys(changes.added) as TLRecord['id'][]
              if (added.length) store.remove(added)
              store.put([...Object.values(changes.updated).map(([before]) => before), ...Object.values(changes.removed)])
            })
            setNotice({ id: Date.now(), message: `That change was not made: ${problem}` })
            return
          }
          doc.transact(() => {
            for (const [id, r] of writes.written) records.set(id, r as TLRecord)
            for (const id of writes.deleted) records.delete(id)
            // A new shot gets its shared texts with it, so that the first keystrokes of two people land in one text.
            // This cannot race: nobody else knows the shape before this update, which carries its texts too.
            for (const r of Object.values(changes.added)) ensureSharedTexts(doc, r as never)
            for (const { id, field, value } of intoTexts) {
              const text = textMap.get(sharedTextKey(id, field))
              if (text) replaceText(text, value)
            }
          }, LOCAL_ORIGIN)
          if (corrected.length) store.mergeRemoteChanges(() => store.put(corrected))
        },
        { source: 'user', scope: 'document' },
      ),
    )

    // --- doc → local store
    const onRemoteChange = (changes: Map<string, TRecordChange>, transaction: Y.Transaction) => {
      if (transaction.origin === LOCAL_ORIGIN || !loaded) return
      const toRemove: TLRecord['id'][] = []
      const toPut: TLRecord[] = []
      changes.forEach((change, id) => {
        if (change.action === 'delete') toRemove.push(id as TLRecord['id'])
        else {
          const record = validRecord(store, change.newValue)
          if (record) toPut.push(record)
          else if (store.has(id as TLRecord['id'])) toRemove.push(id as TLRecord['id'])
        }
      })
      store.mergeRemoteChanges(() => {
        const present = toRemove.filter((id) => store.has(id))
        if (present.length) store.remove(present)
        if (toPut.length) store.put(toPut)
      })
    }
    records.on('change', onRemoteChange)
    cleanups.push(() => records.off('change', onRemoteChange))

    function loadFromDoc(fromServer: boolean) {
      if (records.size === 0) {
        // Only the server may tell that a board is new; an empty local copy means nothing.
        if (!fromServer) return
        // A new board: the first client seeds the default document and page. The page id is
        // tldraw's fixed default, so two clients seeding at once agree.
        store.mergeRemoteChanges(() => {
          const seed: TLRecord[] = []
          if (!store.has(TLDOCUMENT_ID)) seed.push(DocumentRecordType.create({ id: TLDOCUMENT_ID }))
          if (store.query.ids('page').get().size === 0) seed.push(PageRecordType.create({ id: DEFAULT_PAGE_ID, name: 'Page 1', index: 'a1' as IndexKey }))
          store.put(seed)
        })
        // A reviewer's seed stays in their canvas: the server would drop it, and their comment
        // drafts (which it takes) must not follow a change of theirs it never took.
        if (canWrite) {
          doc.transact(() => {
            for (const r of store.allRecords()) {
              if (store.scopedTypes.document.has(r.typeName)) records.set(r.id, r)
            }
            meta.set('schema', store.schema.serialize())
          }, LOCAL_ORIGIN)
        }
      } else {
        const incoming = readBoard(doc, store)
        const keep = new Set(incoming.map((r) => r.id))
        store.mergeRemoteChanges(() => {
          const stale = store
            .allRecords()
            .filter((r) => store.scopedTypes.document.has(r.typeName) && !keep.has(r.id))
            .map((r) => r.id)
          if (stale.length) store.remove(stale)
          store.put(incoming)
        })
      }
      loaded = true
      setTexts(sharedTexts)
      setReady(true)
    }

    const load = (fromServer: boolean): boolean => {
      if (loaded) return true
      try {
        loadFromDoc(fromServer)
        return true
      } catch (e) {
        setProblem({ kind: 'other', message: e instanceof Error ? e.message : String(e) })
        setSync('error')
        return false
      }
    }
    const onSync = (isSynced: boolean) => {
      if (!isSynced || !load(true)) return
      setServerSynced(true)
      setSync('live')
    }
    provider.on('sync', onSync)
    local?.on('synced', () => {
      if (!loaded && records.size > 0) load(false)
    })
    if (local) cleanups.push(() => void local.destroy())

    provider.on('status', ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
      if (status === 'connecting') setSync((s) => (s === 'error' ? s : 'connecting'))
      if (status === 'disconnected') setSync((s) => (s === 'error' ? s : 'offline'))
    })
    provider.on('closed', ({ code, reason }: { code: number; reason: string }) => {
      if (code === 4400 && reason.startsWith(REFUSED_PREFIX)) {
        // Our copy holds a change the board refused: drop it (and this browser's stored copy, which
        // would send it again) and read the board again from the server.
        setNotice({ id: Date.now(), message: `Your last change was not saved: ${reason.slice(REFUSED_PREFIX.length)} The board was reloaded.` })
        void (local ? local.clearData() : Promise.resolve()).finally(() => setGeneration((g) => g + 1))
        return
      }
      if (code === 4403) setProblem({ kind: 'forbidden', message: "You are not a member of this board's workspace." })
      else if (code === 4401) setProblem({ kind: 'unauthorized', message: 'Your session has expired. Sign in again to keep working.' })
      else setProblem({ kind: 'other', message: reason || `The collaboration server closed the connection (${code}).` })
      setSync('error')
    })

    // --- presence over awareness only
    const presenceId = InstancePresenceRecordType.createId(String(doc.clientID))
    // tldraw 5 names people by user record ids (`user:<account id>`); the server rewrites them the same way.
    const $user = atom('presence user', UserRecordType.create({ id: createUserId(user.id), name: user.name, color: user.color }))
    const $presence = createPresenceStateDerivation($user, { instanceId: presenceId })(store)
    provider.awareness.setLocalState({ user, presence: $presence.get() ?? null } satisfies AwarenessState)
    cleanups.push(
      react('publish presence', () => {
        const presence = $presence.get() ?? null
        requestAnimationFrame(() => provider.awareness.setLocalStateField('presence', presence))
      }),
    )
    const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
      const states = provider.awareness.getStates() as Map<number, AwarenessState>
      const toPut: TLInstancePresence[] = []
      const toRemove: TLInstancePresence['id'][] = []
      for (const id of [...added, ...updated]) {
        if (id === doc.clientID) continue
        const presence = states.get(id)?.presence
        // Only a presence record of that very client goes into our store (the server checks this too).
        if (presence && presence.typeName === 'instance_presence' && presence.id === InstancePresenceRecordType.createId(String(id))) toPut.push(presence)
        else toRemove.push(InstancePresenceRecordType.createId(String(id)))
      }
      for (const id of removed) toRemove.push(InstancePresenceRecordType.createId(String(id)))
      store.mergeRemoteChanges(() => {
        const existing = toRemove.filter((id) => store.has(id))
        if (existing.length) store.remove(existing)
        if (toPut.length) store.put(toPut)
      })
      // People, not tabs: one avatar per user (server entries carry no `user`).
      const seen = new Map<string, TPeer>()
      states.forEach((s, clientId) => {
        if (clientId === doc.clientID || !s.user || s.user.id === user.id) return
        if (!seen.has(s.user.id)) seen.set(s.user.id, { clientId, ...s.user })
      })
      setPeers([...seen.values()])
      liveJobs.setFromAwareness(states.values())
    }
    provider.awareness.on('change', onAwareness)
    cleanups.push(() => provider.awareness.off('change', onAwareness))

    const onOffline = () => setSync((s) => (s === 'error' ? s : 'offline'))
    window.addEventListener('offline', onOffline)
    cleanups.push(() => window.removeEventListener('offline', onOffline))

    return () => {
      setTexts(null)
      for (const c of cleanups) c()
      provider.awareness.setLocalState(null)
      liveJobs.setFromAwareness([])
      provider.destroy()
      doc.destroy()
    }
  }, [store, liveJobs, boardId, collabUrl, token, fetchToken, user, generation, canWrite, canComment])

  return { store, ready, serverSynced, sync, problem, peers, liveJobs, threads, notice, dismissNotice, texts }
}

/**
 * A record about to be written, against the board's shared texts: a text field the change sets
 * (new shape, or a value other than `before`'s) is queued into `intoTexts`; one it leaves alone is
 * set from its text. Returns the record itself when nothing had to be set.
 */
function withSharedTexts(record: TLRecord, before: TLRecord | null, texts: Y.Map<Y.Text>, intoTexts: { id: string; field: string; value: string }[]): TLRecord {
  if (record.typeName !== 'shape') return record
  const fields = SHARED_TEXT_FIELDS[record.type]
  if (!fields) return record
  const now = record.props as Record<string, unknown>
  const was = before?.typeName === 'shape' ? (before.props as Record<string, unknown>) : null
  let props: Record<string, unknown> | null = null
  for (const field of Object.keys(fields)) {
    const text = texts.get(sharedTextKey(record.id, field))
    if (!(text instanceof Y.Text) || typeof now[field] !== 'string') continue
    // What the prop holds for the text (a tag: the text cut to a valid tag; a draft has no prop).
    const value = sharedTextPropValue(record.type, field, text.toString())
    if (value === null || now[field] === value) continue
    if (!was || was[field] !== now[field]) {
      intoTexts.push({ id: record.id, field, value: now[field] as string })
      continue
    }
    props ??= { ...now }
    props[field] = value
  }
  return props ? ({ ...record, props } as TLRecord) : record
}

/** Turns `text` into `value` with one delete and one insert around what they share at both ends. */
function replaceText(text: Y.Text, value: string): void {
  const current = text.toString()
  if (current === value) return
  let start = 0
  while (start < current.length && start < value.length && current.charCodeAt(start) === value.charCodeAt(start)) start++
  let end = 0
  while (end < current.length - start && end < value.length - start && current.charCodeAt(current.length - 1 - end) === value.charCodeAt(value.length - 1 - end)) end++
  if (current.length - start - end > 0) text.delete(start, current.length - start - end)
  if (value.length - start - end > 0) text.insert(start, value.slice(start, value.length - end))
}

/**
 * The board's records migrated to the canvas's schema. The whole snapshot at once when it is sound
 * (the common case; the store validates every record as it takes it); record by record otherwise,
 * skipping and reporting what does not migrate or validate (stored before the server checked updates).
 */
function readBoard(doc: Y.Doc, store: TLStore): TLRecord[] {
  const records = getRecords(doc)
  const stored = getMeta(doc).get('schema')
  try {
    const snapshot = {
      store: Object.fromEntries([...records.map].map(([id, { val }]) => [id, val])) as TLStoreSnapshot['store'],
      schema: isSerializedSchema(stored) ? stored : store.schema.serialize(),
    }
    const migrated = store.schema.migrateStoreSnapshot(snapshot)
    if (migrated.type === 'error') throw new Error(migrated.reason)
    const all = Object.values(migrated.value) as TLRecord[]
    for (const record of all) store.schema.validateRecord(store, record, 'initialize', null)
    return all
  } catch {
    const { records: valid, invalid } = readValidRecords(doc, { schema: store.schema })
    console.warn(`[montage] skipped ${invalid.length} record(s) of this board that do not validate`, invalid.slice(0, 5))
    return [...valid.values()]
  }
}

/** The record if the canvas's schema accepts it; what another writer got wrong is skipped, not thrown on. */
function validRecord(store: TLStore, record: TLRecord): TLRecord | null {
  try {
    const type = store.schema.types[record.typeName] as { validate(r: unknown): TLRecord } | undefined
    return type ? type.validate(record) : null
  } catch (e) {
    console.warn(`[montage] skipped an invalid record ${String(record?.id)}`, e)
    return null
  }
}
