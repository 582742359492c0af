// Compiles a service for production: run in the service's folder as
//   node ../infra/build/build-service.mjs src/main.ts [more entries]
// and it writes dist/<entry>.js (+ .map), which `node --enable-source-maps dist/<entry>.js` runs.
// `--outdir=<dir>` writes there instead (the benches build the server they measure this way).
//
// esbuild rather than tsc: our workspace packages (@montage/*) ship their TypeScript sources with
// extensionless imports (no build step of their own), which Node cannot load as they are. So they
// are compiled into each service's bundle, while npm packages stay external and load from
// node_modules as usual (native addons, Temporal's worker, ffmpeg's binaries). Types are checked by
// `npm run typecheck`, not here.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { build } from 'esbuild'

const args = process.argv.slice(2)
const entryPoints = args.filter((a) => !a.startsWith('--outdir='))
if (entryPoints.length === 0) {
  console.error('usage: node build-service.mjs [--outdir=<dir>] <entry.ts> [...]')
  process.exit(2)
}
const outdir = path.resolve(args.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist')

/** Bare imports other than our own packages are left to Node at run time. */
const externalNpmPackages = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@montage/') ? undefined : { path: args.path, external: true }))
  },
}

/**
 * `import.meta.url` keeps naming the source file it is written in, so paths built from it (the
 * db's migrations, the workflow sources Temporal bundles, ffmpeg's installer packages) resolve as
 * they do under tsx. The URL is relative to the output, so the tree may move as a whole.
 */
const importMetaUrlOfSource = {
  name: 'import-meta-url-of-source',
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8')
      if (!source.includes('import.meta.url')) return undefined
      const fromOutput = path.relative(outdir, args.path).split(path.sep).join('/')
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOutput)}, import.meta.url).href`), loader: path.extname(args.path).slice(1) }
    })
  },
}

await build({
  entryPoints,
  outdir,
  outbase: path.dirname(path.resolve(entryPoints[0])),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [externalNpmPackages, importMetaUrlOfSource],
})
console.log(`built ${entryPoints.join(', ')} into ${path.relative(process.cwd(), outdir)}/`)
