import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

// The lint step's import rules (.dependency-cruiser.cjs), run as the lint step runs them, over a
// small tree of its own that copies the repo's layout (web/lib, web/components, feature folders).
const root = fileURLToPath(new URL('../../..', import.meta.url))
const cli = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')
let dir: string | null = null

async function cruise(files: Record<string, string>): Promise<{ exitCode: number; rules: string[] }> {
  dir = await mkdtemp(path.join(tmpdir(), 'import-rules-'))
  await cp(path.join(root, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'))
  await writeFile(path.join(dir, '.dependency-cruiser.tsconfig.json'), JSON.stringify({ compilerOptions: { jsx: 'react-jsx', paths: { '@/*': ['./web/*'] } }, include: ['**/*'] }))
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), text)
  }
  // The lint step's own output (`err`): its exit status is what fails `npm test`.
  const run = promisify(execFile)(process.execPath, [cli, '--config', '.dependency-cruiser.cjs', '.'], { cwd: dir, maxBuffer: 16 << 20 })
  const { stdout, exitCode } = await run.then(
    (r) => ({ stdout: r.stdout, exitCode: 0 }),
    (e: { stdout: string; code: number }) => ({ stdout: e.stdout, exitCode: e.code }),
  )
  const rules = [...stdout.matchAll(/^\s*error ([\w-]+):/gm)].map((m) => m[1]!)
  return { exitCode, rules: [...new Set(rules)].sort() }
}

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
  dir = null
})

describe('import rules (dependency-cruiser, in the lint step)', () => {
  it('passes a tree that keeps the direction: components build on lib, no loops', async () => {
    const result = await cruise({
      'web/lib/client/price.ts': 'export const price = 1\n',
      'web/components/board/Board.tsx': "import { price } from '../../lib/client/price'\nimport { Card } from '../shapes/Card'\nexport const Board = () => [price, Card]\n",
      'web/components/shapes/Card.tsx': "import { price } from '@/lib/client/price'\nexport const Card = price\n",
    })
    expect(result).toEqual({ exitCode: 0, rules: [] })
  })

  it('fails on a cycle between two files, even one made of type imports', async () => {
    const result = await cruise({
      'packages/core/src/models.ts': "import type { TRunway } from './runway-models'\nexport type TModel = { runway?: TRunway }\n",
      'packages/core/src/runway-models.ts': "import type { TModel } from './models'\nexport type TRunway = { model?: TModel }\n",
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.rules).toEqual(['no-circular'])
  })

  it('fails on web/lib importing from web/components', async () => {
    const result = await cruise({
      'web/components/shapes/fields.ts': 'export const fields = []\n',
      'web/lib/client/start.ts': "import { fields } from '@/components/shapes/fields'\nexport const start = fields\n",
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.rules).toEqual(['web-lib-not-components'])
  })

  it("fails on web's folders importing each other in a loop through different files", async () => {
    const result = await cruise({
      'web/components/board/BoardContext.ts': 'export const context = 1\n',
      'web/components/board/Board.tsx': "import { Card } from '../shapes/Card'\nexport const Board = Card\n",
      'web/components/shapes/Card.tsx': "import { context } from '../board/BoardContext'\nexport const Card = context\n",
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.rules).toEqual(['no-circular-folders'])
  })
})
