// Copies tldraw's fonts, icons and translations into public/ so the canvas never reaches for a CDN.
import { cp, mkdir, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const source = path.dirname(require.resolve('@tldraw/assets/package.json'))
const target = path.join(here, '..', 'public', 'tldraw-assets')

await rm(target, { recursive: true, force: true })
await mkdir(target, { recursive: true })
for (const dir of ['fonts', 'icons', 'translations', 'embed-icons']) {
  await cp(path.join(source, dir), path.join(target, dir), { recursive: true })
}
console.log(`tldraw assets copied to ${path.relative(process.cwd(), target)}`)
