import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../..', import.meta.url))

async function lint(code: string, file: string) {
  const eslint = new ESLint({ cwd: root })
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) })
  return result!.messages.map((m) => m.ruleId)
}

describe('lint rules', () => {
  it('bans Node builtins in workflow code, with or without the node: prefix', async () => {
    expect(await lint(`import { readFile } from 'fs'\nexport const f = readFile\n`, 'workflows/src/workflows/bad.ts')).toContain('no-restricted-imports')
    expect(await lint(`import { randomUUID } from 'node:crypto'\nexport const f = randomUUID\n`, 'workflows/src/workflows/bad.ts')).toContain('no-restricted-imports')
  })

  it('allows them in activities', async () => {
    expect(await lint(`import { readFile } from 'node:fs/promises'\nexport const f = readFile\n`, 'workflows/src/activities/ok.ts')).toEqual([])
  })
})
