import { parseArgs } from 'node:util'
import { z } from 'zod'
import { AppError, ZEmail, ZNewPassword, ZPersonName, exitOnEnvError, parseEnv } from '@montage/core'
import { databaseOptions, withConnectionChecks, ZDatabaseEnv } from '@montage/runtime/config'
import { createDb, createOwnerAccount } from '@montage/db'
import { createPasswordHasher } from '@montage/auth'
import { prepareDatabase } from './prepare-database'
import { readPassword } from './read-password'

/**
 * `npm run owner -- --email ada@studio.com --name "Ada Moreau" [--workspace "Northwind"] [--credits 500]`
 *
 * Creates a password account that owns a new workspace, on any install (the first owner of a
 * server nobody can sign in to yet, or another studio later). The password is asked for on the
 * terminal (not echoed), or read from MONTAGE_OWNER_PASSWORD / one line of stdin for scripts, so it
 * never lands in shell history.
 */
const USAGE = 'usage: npm run owner -- --email <email> --name <name> [--workspace <name>] [--credits <n>]'

const ZArgs = z.object({
  email: ZEmail,
  name: ZPersonName,
  workspace: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters').optional(),
  credits: z.coerce.number().int().min(0, 'must be 0 or more').max(1_000_000, 'must be at most 1000000').default(500),
})

function fail(message: string): never {
  console.error(message)
  process.exit(2)
}

const { values } = (() => {
  try {
    return parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' }, workspace: { type: 'string' }, credits: { type: 'string' } }, strict: true })
  } catch (e) {
    return fail(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`)
  }
})()
const parsedArgs = ZArgs.safeParse(values)
if (!parsedArgs.success) {
  const issue = parsedArgs.error.issues[0]!
  fail(`--${issue.path.join('.')}: ${issue.message}\n${USAGE}`)
}
const args = parsedArgs.data
const db = exitOnEnvError(() => databaseOptions(parseEnv(withConnectionChecks(z.object({ ...ZDatabaseEnv.shape })))))

const password = ZNewPassword.safeParse(await readPassword({ envVar: 'MONTAGE_OWNER_PASSWORD', prompt: `Password for ${args.email}: `, confirm: 'Again, to confirm: ' }))
if (!password.success) fail(`password: ${password.error.issues[0]!.message}`)

await prepareDatabase(db.url, db.ssl)
const sql = createDb({ ...db, max: 1 })
try {
  const passwordHash = await createPasswordHasher().hash(password.data)
  const workspaceName = args.workspace ?? `${args.name.slice(0, 60)}'s studio`
  const created = await createOwnerAccount(sql, { name: args.name, email: args.email, passwordHash, workspaceName, credits: args.credits, onlyIfFirst: false })
  console.log(`Created ${args.name} <${args.email}>, owner of “${workspaceName}” (workspace ${created!.workspaceId}, ${args.credits} credits).`)
  console.log('Sign in with that email and password; invite the rest of the team from the workspace’s Members page.')
} catch (e) {
  if (e instanceof AppError) fail(e.message)
  throw e
} finally {
  await sql.end()
}
