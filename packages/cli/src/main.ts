import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { BriefError, readBrief, type TBriefShot } from './brief'
import { ApiError, MontageClient, type TGeneration } from './client'
import { isFinal, ProgressView } from './progress'

const USAGE = `montage: Montage's public API from the command line (an API key; no browser)

  montage login --key mtg_… [--url http://localhost:3000]   check the key and keep it for later commands
  montage whoami                                           the key's person, workspace and scopes
  montage boards                                           the workspace's boards
  montage generate BRIEF.json [--wait] [--out DIR]         create the brief's board and shots, start their
                                                           generations; --wait shows their progress, --out
                                                           downloads each result (with its Content Credentials)
  montage status GENERATION_ID                             one generation
  montage download GENERATION_ID [--out FILE|DIR]          its output

MONTAGE_URL and MONTAGE_API_KEY, when set, are used instead of what login kept.`

interface TCredentials {
  url: string
  key: string
}

interface TMe {
  user: { id: string; name: string }
  memberships: { workspaceId: string; workspaceName?: string; name?: string; role: string; credits: number }[]
  apiKey: { id: string; name: string; scopes: string[]; workspaceId: string } | null
}

const credentialsFile = () => path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'montage', 'credentials.json')

/** Runs one command; returns the exit code (0 done, 1 refused or failed, 2 bad usage). */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { key: { type: 'string' }, url: { type: 'string' }, wait: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  const [command, arg] = positionals
  if (!command || values.help) {
    console.log(USAGE)
    return command || values.help ? 0 : 2
  }
  try {
    switch (command) {
      case 'login':
        return await login(values.url || process.env.MONTAGE_URL || 'http://localhost:3000', values.key)
      case 'whoami':
        return await whoami(await client())
      case 'boards':
        return await boards(await client())
      case 'generate':
        if (!arg) return usage('generate needs a brief: montage generate brief.json')
        return await generate(await client(), arg, { wait: !!values.wait || !!values.out, out: values.out })
      case 'status':
        if (!arg) return usage('status needs a generation id')
        return await status(await client(), arg)
      case 'download':
        if (!arg) return usage('download needs a generation id')
        return await downloadOne(await client(), arg, values.out)
      default:
        return usage(`unknown command '${command}'`)
    }
  } catch (e) {
    if (e instanceof ApiError || e instanceof BriefError || e instanceof CliError) {
      console.error(`montage: ${e.message}`)
      return 1
    }
    throw e
  }
}

class CliError extends Error {}

function usage(message: string): number {
  console.error(`montage: ${message}\n\n${USAGE}`)
  return 2
}

async function client(): Promise<MontageClient> {
  if (process.env.MONTAGE_API_KEY) return new MontageClient(process.env.MONTAGE_URL || 'http://localhost:3000', process.env.MONTAGE_API_KEY)
  let saved: TCredentials
  try {
    saved = JSON.parse(await readFile(credentialsFile(), 'utf8')) as TCredentials
  } catch {
    throw new CliError('no API key: run `montage login --key mtg_…` (an owner or producer makes one on the workspace’s Settings page), or set MONTAGE_API_KEY')
  }
  return new MontageClient(process.env.MONTAGE_URL || saved.url, saved.key)
}

async function login(url: string, key: string | undefined): Promise<number> {
  if (!key) return usage('login needs --key mtg_…')
  if (!key.startsWith('mtg_')) throw new CliError('that is not a Montage API key (they start with mtg_)')
  const me = await new MontageClient(url, key).request<TMe>('GET', '/api/me')
  const file = credentialsFile()
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
  // Only this user may read the key.
  await writeFile(file, JSON.stringify({ url, key } satisfies TCredentials, null, 2), { mode: 0o600 })
  console.log(`Signed in to ${url} as ${me.user.name} with key "${me.apiKey?.name ?? '?'}" (${me.apiKey?.scopes.join(', ') ?? ''}); kept in ${file}`)
  return 0
}

async function workspaceOf(api: MontageClient): Promise<TMe['memberships'][number] & { me: TMe }> {
  const me = await api.request<TMe>('GET', '/api/me')
  const m = me.memberships.find((x) => x.workspaceId === me.apiKey?.workspaceId) ?? me.memberships[0]
  if (!m) throw new CliError('this key belongs to no workspace you are still a member of')
  return { ...m, me }
}

async function whoami(api: MontageClient): Promise<number> {
  const w = await workspaceOf(api)
  console.log(`${w.me.user.name} · workspace ${w.workspaceName ?? w.name ?? w.workspaceId} (${w.role}) · ${w.credits} credits · key "${w.me.apiKey?.name}" (${w.me.apiKey?.scopes.join(', ')})`)
  return 0
}

async function boards(api: MontageClient): Promise<number> {
  const w = await workspaceOf(api)
  const list = await api.all<{ id: string; name: string }>(`/api/boards?workspaceId=${w.workspaceId}`)
  if (!list.length) console.log('No boards yet.')
  for (const b of list) console.log(`${b.id}  ${b.name}`)
  return 0
}

const CONTENT_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.mp4': 'video/mp4', '.mov': 'video/quicktime', '.webm': 'video/webm' }
const EXTENSIONS: Record<string, string> = { 'video/mp4': 'mp4', 'video/quicktime': 'mov', 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'video/webm': 'webm', 'audio/mpeg': 'mp3', 'audio/wav': 'wav' }

/**
 * The brief's board, shots and generations. Every id and `Idempotency-Key` is derived from the
 * brief's bytes, so running the same brief again (after a crash, a timeout) creates the same shots
 * and answers the first run's generations instead of starting and paying for new ones.
 */
async function generate(api: MontageClient, file: string, opts: { wait: boolean; out?: string }): Promise<number> {
  const { brief, dir } = await readBrief(file)
  const digest = createHash('sha256').update(await readFile(file)).digest('hex').slice(0, 16)
  const w = await workspaceOf(api)
  const boardId = 'id' in brief.board ? brief.board.id : await boardNamed(api, w.workspaceId, brief.board.name)
  const labels = new Map<string, string>()
  const started: string[] = []
  for (const [i, shot] of brief.shots.entries()) {
    const references = await uploadReferences(api, boardId, dir, shot, `${digest}-${i}`)
    const shotId = `shape:brief-${digest}-${i}`
    await api.request('POST', `/api/boards/${boardId}/shots`, { json: { shotId, title: shot.title, prompt: shot.prompt, ...shotBrief(shot) } })
    // 202 with the started generations' ids (`generationId`), fetched as generations while waiting.
    const answer = await api.request<{ generations: { generationId: string }[] }>('POST', '/api/generations', {
      json: { boardId, shotId, model: shot.model, prompt: shot.prompt, params: shot.params, references, count: shot.count },
      headers: { 'idempotency-key': `brief-${digest}-${i}` },
    })
    answer.generations.forEach((g, n) => labels.set(g.generationId, shot.count > 1 ? `${shot.title} #${n + 1}` : shot.title))
    started.push(...answer.generations.map((g) => g.generationId))
    console.log(`Started ${answer.generations.length} × ${shot.model} for "${shot.title}"`)
  }
  console.log(`Board ${boardId}: ${started.length} generation(s).`)
  if (!opts.wait) return 0
  const finished = await waitFor(api, started, labels)
  if (opts.out) {
    await mkdir(opts.out, { recursive: true })
    for (const g of finished.filter((x) => x.status === 'succeeded')) {
      const target = path.join(opts.out, `${slug(labels.get(g.id) ?? g.id)}.${EXTENSIONS[g.output?.mimeType ?? ''] ?? 'bin'}`)
      await saveOutput(api, g, target)
    }
  }
  return finished.every((g) => g.status === 'succeeded') ? 0 : 1
}

async function boardNamed(api: MontageClient, workspaceId: string, name: string): Promise<string> {
  const existing = (await api.all<{ id: string; name: string }>(`/api/boards?workspaceId=${workspaceId}`)).find((b) => b.name === name)
  if (existing) return existing.id
  const made = await api.request<{ id: string }>('POST', '/api/boards', { json: { workspaceId, name } })
  console.log(`Created board "${name}" (${made.id})`)
  return made.id
}

/** The shot card's own aspect ratios; a model's own (Runway's `1280:720`) stays in the generation's params only. */
const SHOT_ASPECT_RATIOS = new Set(['16:9', '9:16', '1:1'])

/** The shot fields the board shows, taken from the model's params where the brief gives them in the card's terms. */
function shotBrief(shot: TBriefShot): Record<string, unknown> {
  const out: Record<string, unknown> = { model: shot.model }
  const { duration, aspectRatio, cameraMove } = shot.params
  if (typeof duration === 'number') out.duration = duration
  if (typeof aspectRatio === 'string' && SHOT_ASPECT_RATIOS.has(aspectRatio)) out.aspectRatio = aspectRatio
  if (typeof cameraMove === 'string') out.cameraMove = cameraMove
  return out
}

/** Uploads the shot's reference files to the board and waits until each is ready to be used. */
async function uploadReferences(api: MontageClient, boardId: string, dir: string, shot: TBriefShot, idBase: string): Promise<{ shapeId: string; assetSha256: string; tag?: string }[]> {
  const out: { shapeId: string; assetSha256: string; tag?: string }[] = []
  for (const [j, ref] of shot.references.entries()) {
    const file = path.resolve(dir, ref.file)
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()]
    if (!type) throw new CliError(`${ref.file}: references are PNG, JPEG, WebP, MP4, MOV or WebM files`)
    const shapeId = `shape:ref-${idBase}-${j}`
    const { asset } = await api.request<{ asset: { id: string; sha256: string; ingest: string; ingestError: string | null } }>('POST', `/api/uploads?boardId=${boardId}&shapeId=${shapeId}`, {
      body: await readFile(file),
      contentType: type,
    })
    let state = asset
    for (let tries = 0; state.ingest !== 'ready'; tries++) {
      if (state.ingest === 'failed') throw new CliError(`${ref.file}: the upload could not be processed (${state.ingestError ?? 'no reason given'})`)
      if (tries > 300) throw new CliError(`${ref.file}: still being processed after five minutes`)
      await new Promise((r) => setTimeout(r, 1000))
      state = (await api.request<{ asset: typeof asset }>('GET', `/api/assets/by-id/${asset.id}`)).asset
    }
    out.push({ shapeId, assetSha256: asset.sha256, ...(ref.tag ? { tag: ref.tag } : {}) })
  }
  return out
}

/** Polls the generations until each has finished, drawing their progress. */
async function waitFor(api: MontageClient, ids: string[], labels: Map<string, string>): Promise<TGeneration[]> {
  const view = new ProgressView(process.stderr, labels)
  const started = Date.now()
  let current: TGeneration[] = []
  for (;;) {
    current = await Promise.all(ids.map((id) => api.request<TGeneration>('GET', `/api/generations/${id}`)))
    view.update(current, Date.now() - started)
    if (current.every(isFinal)) return current
    await new Promise((r) => setTimeout(r, 1000))
  }
}

async function status(api: MontageClient, id: string): Promise<number> {
  const g = await api.request<TGeneration>('GET', `/api/generations/${encodeURIComponent(id)}`)
  console.log(`${g.id}  ${g.model}  ${g.status}  ${g.credits} credits${g.output ? `  output ${g.output.sha256} (${g.output.mimeType})` : ''}${g.error ? `  — ${g.error}` : ''}`)
  return g.status === 'failed' ? 1 : 0
}

async function downloadOne(api: MontageClient, id: string, out: string | undefined): Promise<number> {
  const g = await api.request<TGeneration>('GET', `/api/generations/${encodeURIComponent(id)}`)
  if (g.status !== 'succeeded' || !g.output) throw new CliError(`generation ${id} is ${g.status}; only a finished one has an output`)
  const name = `${g.id}.${EXTENSIONS[g.output.mimeType ?? ''] ?? 'bin'}`
  const target = !out ? name : out.endsWith(path.sep) || (await isDir(out)) ? path.join(out, name) : out
  await saveOutput(api, g, target)
  return 0
}

async function saveOutput(api: MontageClient, g: TGeneration, target: string): Promise<void> {
  const headers = await api.download(`/api/assets/${g.output!.sha256}/download?boardId=${g.boardId}`, target)
  const credentials = headers.get('x-content-credentials')
  console.log(`Saved ${target}${credentials === 'embedded' ? ' (Content Credentials inside)' : credentials === 'sidecar' ? ' (Content Credentials: download the .c2pa sidecar with ?sidecar=1)' : ''}`)
}

async function isDir(p: string): Promise<boolean> {
  const { stat } = await import('node:fs/promises')
  return stat(p).then((s) => s.isDirectory(), () => false)
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9#]+/g, '-').replace(/#/g, '').replace(/^-|-$/g, '') || 'output'
}
