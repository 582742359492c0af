#!/usr/bin/env node
// `npx montage …` from the repository: the client is TypeScript, run through tsx (a dev dependency of the repo).
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/main.ts')
process.exitCode = await main(process.argv.slice(2))
