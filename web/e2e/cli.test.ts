import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getCreditBalance } from '@montage/db'
import { renderDemoPlate } from '@montage/infra'
import { verifyAsset } from '@montage/provenance'
import { REPO_ROOT, startE2EStack, type E2EStack } from './harness'
import { signInCookie } from './review-fixtures'

const run = promisify(execFile)

/**
 * `npx montage`, the command-line client (issue 14), as a person runs it from the repository: an
 * API key made on the settings page's API, a JSON brief, `--wait` and `--out`. Nothing but the key
 * travels; the same brief run twice starts and charges nothing the second time.
 */

let stack: E2EStack
let home: string

beforeAll(async () => {
  stack = await startE2EStack()
  home = await mkdtemp(path.join(tmpdir(), 'montage-cli-home-'))
}, 240_000)

afterAll(async () => {
  await stack?.close()
  if (home) await rm(home, { recursive: true, force: true })
})

/** Runs `npx montage …` in the repository with its own config folder; never throws, answers code and output. */
async function montage(args: string[], cwd = REPO_ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(path.join(REPO_ROOT, 'node_modules/.bin/montage'), args, {
      cwd,
      env: { ...process.env, XDG_CONFIG_HOME: home, MONTAGE_API_KEY: '', MONTAGE_URL: '' },
      timeout: 240_000,
    })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }
  }
}

describe('npx montage', () => {
  it('signs in with a key, runs a brief to the end with progress, downloads signed results, and a second run pays nothing', async () => {
    const { cookie } = await signInCookie(stack, 'local:ada') // producer
    const made = await fetch(`${stack.baseUrl}/api/workspaces/${stack.workspaceId}/api-keys`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'CLI', scopes: ['generate'] }) })
    expect(made.status).toBe(201)
    const { secret } = (await made.json()) as { secret: string }

    expect((await montage(['boards'])).stderr).toContain('no API key: run `montage login')
    expect((await montage(['login', '--url', stack.baseUrl, '--key', 'mtg_not-a-key'])).stderr).toMatch(/401/)
    const login = await montage(['login', '--url', stack.baseUrl, '--key', secret])
    expect(login.code).toBe(0)
    expect(login.stdout).toContain('Signed in to')
    // The key is kept for this user only.
    expect((await stat(path.join(home, 'montage/credentials.json'))).mode & 0o077).toBe(0)
    expect((await montage(['boards'])).stdout).toContain(stack.boardId)

    const work = await mkdtemp(path.join(tmpdir(), 'montage-brief-'))
    const briefFile = path.join(work, 'brief.json')
    // The plate a previz moves over, beside the brief: the client uploads it as the shots' reference.
    await writeFile(path.join(work, 'harbour.png'), await renderDemoPlate(640, 360))
    const plate = [{ file: 'harbour.png', tag: 'harbour' }]
    await writeFile(briefFile, JSON.stringify({ board: { name: 'From the command line' }, shots: [{ title: 'Harbour at dawn', prompt: 'slow push over the water', model: 'previz', params: { duration: 2 }, references: plate }, { title: 'Lighthouse', prompt: 'pull out from the lamp', model: 'previz', params: { duration: 2 }, count: 2, references: plate }] }))
    const before = await getCreditBalance(stack.sql, stack.workspaceId)
    const out = path.join(work, 'out')
    const first = await montage(['generate', briefFile, '--out', out], work)
    expect(first.stderr).toMatch(/\[#{28}\] 3\/3 done/)
    expect(first.code).toBe(0)
    const files = (await readdir(out)).sort()
    expect(files).toEqual(['harbour-at-dawn.mp4', 'lighthouse-1.mp4', 'lighthouse-2.mp4'])
    const signed = await verifyAsset({ bytes: new Uint8Array(await readFile(path.join(out, 'harbour-at-dawn.mp4'))), format: 'video/mp4' })
    expect(signed.state).not.toBe('Invalid')
    expect(signed.actions[0]?.action).toBe('c2pa.created')
    const spent = before - (await getCreditBalance(stack.sql, stack.workspaceId))
    expect(spent).toBeGreaterThan(0)

    // The same brief again (a retry after a crash): the same shots and generations, nothing new to pay.
    const again = await montage(['generate', briefFile, '--wait'], work)
    expect(again.code).toBe(0)
    expect(before - (await getCreditBalance(stack.sql, stack.workspaceId))).toBe(spent)
    const [board] = await stack.sql<{ id: string }[]>`SELECT id FROM boards WHERE workspace_id = ${stack.workspaceId} AND name = 'From the command line'`
    const [count] = await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM generations WHERE board_id = ${board!.id}`
    expect(count!.n).toBe(3)

    // A brief with a mistake says where, and starts nothing.
    await writeFile(briefFile, JSON.stringify({ board: { id: board!.id }, shots: [{ title: '' }] }))
    const bad = await montage(['generate', briefFile], work)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('shots.0.title: must not be empty')
    await rm(work, { recursive: true, force: true })
  })
})
