import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPasswordHasher } from '@montage/auth'
import { findPasswordCredential, getWorkspaceRole, type Sql } from '@montage/db'
import { openTestDb, TEST_DATABASE_URL } from '@montage/db/testing'

const root = fileURLToPath(new URL('../../..', import.meta.url))

/** Runs `npm run owner`'s script as a person would, the password on stdin. */
function createOwner(args: string[], stdin: string): Promise<{ code: number | null; out: string }> {
  // The password comes from stdin here, never from an inherited variable.
  const { MONTAGE_OWNER_PASSWORD: _inherited, ...env } = process.env
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/dev/src/create-owner.ts', ...args], {
      cwd: root,
      env: { ...env, DATABASE_URL: TEST_DATABASE_URL },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d) => (out += String(d)))
    child.stderr.on('data', (d) => (out += String(d)))
    child.stdin.end(stdin)
    child.on('exit', (code) => resolve({ code, out }))
  })
}

let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

describe('npm run owner', () => {
  it('creates an owner of a new workspace who signs in with that password', async () => {
    const email = `owner-${randomUUID().slice(0, 8)}@studio.test`
    const run = await createOwner(['--email', email.toUpperCase(), '--name', 'Olive Owner', '--workspace', 'Harbour Films'], 'a long enough secret\n')
    expect(run.out).toMatch(/owner of “Harbour Films”/)
    expect(run.code).toBe(0)
    const found = await findPasswordCredential(sql, email)
    expect(found?.user.name).toBe('Olive Owner')
    expect((await createPasswordHasher().check('a long enough secret', found!.passwordHash)).ok).toBe(true)
    const workspaceId = /workspace ([0-9a-f-]{36})/.exec(run.out)![1]!
    expect(await getWorkspaceRole(sql, { userId: found!.user.id, workspaceId })).toBe('owner')
  })

  it('refuses a bad email, a short password and a taken email, naming what is wrong, and stores nothing', async () => {
    const email = `owner-${randomUUID().slice(0, 8)}@studio.test`
    const badEmail = await createOwner(['--email', 'not-an-email', '--name', 'X'], 'a long enough secret\n')
    expect(badEmail.code).toBe(2)
    expect(badEmail.out).toMatch(/--email: must be an email address/)
    const short = await createOwner(['--email', email, '--name', 'X'], 'short\n')
    expect(short.code).toBe(2)
    expect(short.out).toMatch(/password: must be at least 10 characters/)
    expect(await findPasswordCredential(sql, email)).toBeNull()

    expect((await createOwner(['--email', email, '--name', 'First'], 'a long enough secret\n')).code).toBe(0)
    const again = await createOwner(['--email', email, '--name', 'Second'], 'another long secret\n')
    expect(again.code).toBe(2)
    expect(again.out).toMatch(/email: an account with this email already exists/)
    expect((await findPasswordCredential(sql, email))?.user.name).toBe('First')
  })
})
