import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { knownEnvNames } from './env-names'
import { SECRET_LIKE } from './manifest-checks'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../..', import.meta.url))
const TARGETS = ['web', 'collab-server', 'workflows', 'gpu-worker', 'hosted-worker', 'migrate']
const ENGINES = ['postgres', 'nats', 'temporal', 'seaweedfs']

interface TService {
  image?: string
  build?: { context: string; dockerfile: string; target: string }
  environment?: Record<string, string | number>
  healthcheck?: { test: string[] }
  depends_on?: Record<string, { condition: string }>
  restart?: string
}

let services: Record<string, TService>
let dockerfile: string
beforeAll(async () => {
  const compose = parse(await readFile(`${root}/infra/deploy/docker-compose.yml`, 'utf8'), { merge: true }) as { services: Record<string, TService> }
  services = compose.services
  dockerfile = await readFile(`${root}/infra/deploy/Dockerfile`, 'utf8')
})

/** The lines of one stage of the Dockerfile, from its FROM to the next. */
function stage(target: string): string[] {
  const lines = dockerfile.split('\n')
  const start = lines.findIndex((l) => new RegExp(`^FROM \\S+ AS ${target}$`).test(l))
  if (start < 0) return []
  const end = lines.findIndex((l, i) => i > start && l.startsWith('FROM '))
  return lines.slice(start, end < 0 ? undefined : end)
}

describe('the Dockerfile', () => {
  it.each(TARGETS)('has a %s target that runs as a non-root user', (target) => {
    const lines = stage(target)
    expect(lines.length, `no stage ${target}`).toBeGreaterThan(0)
    expect(lines).toContain('USER montage')
    expect(lines.some((l) => l.startsWith('CMD ['))).toBe(true)
  })

  it('installs Debian ffmpeg in the runtime stages and sets production defaults', () => {
    for (const target of ['runtime', 'gpu-worker']) {
      const text = stage(target).join('\n')
      expect(text).toMatch(/apt-get install[^\n]*\bffmpeg\b/)
      expect(text).toMatch(/NODE_ENV=production/)
      expect(text).toMatch(/FFMPEG_PATH=\/usr\/bin\/ffmpeg/)
    }
    expect(stage('runtime').join('\n')).toMatch(/NEXT_TELEMETRY_DISABLED=1/)
    expect(stage('web').join('\n')).toMatch(/EXPOSE 3000 9464/)
    expect(stage('collab-server').join('\n')).toMatch(/EXPOSE 1234 9464/)
  })
})

describe('docker-compose.yml', () => {
  it('runs the engines, the two one-shots and every process, and no MinIO', () => {
    expect(Object.keys(services).sort()).toEqual([...ENGINES, 's3-init', ...TARGETS].sort())
    expect(Object.values(services).map((s) => s.image ?? '').filter((i) => /minio/i.test(i))).toEqual([])
  })

  it('builds each process from its Dockerfile target, tagged as npm run images tags it', () => {
    for (const target of TARGETS) {
      const s = services[target]!
      expect(s.build).toMatchObject({ context: '../..', dockerfile: 'infra/deploy/Dockerfile', target })
      expect(s.image).toBe(`\${MONTAGE_IMAGE_REPO:-montage}/${target}:\${MONTAGE_IMAGE_VERSION:-0.1.0}`)
    }
  })

  it('starts processes only once the migrations ran and the engines they use are healthy', () => {
    expect(services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } })
    expect(services.migrate!.restart).toBe('no')
    for (const target of TARGETS.filter((t) => t !== 'migrate')) {
      const s = services[target]!
      expect(s.depends_on?.migrate, target).toEqual({ condition: 'service_completed_successfully' })
      expect(s.healthcheck?.test.join(' ') ?? 'no healthcheck', target).toContain('/healthz')
      const env = s.environment ?? {}
      const uses = { nats: 'NATS_URL', temporal: 'TEMPORAL_ADDRESS', postgres: 'DATABASE_URL' } as const
      for (const [engine, variable] of Object.entries(uses)) {
        if (!(variable in env)) continue
        // postgres is reached through migrate, which waits for it.
        if (engine !== 'postgres') expect(s.depends_on?.[engine], `${target} -> ${engine}`).toEqual({ condition: 'service_healthy' })
      }
      if (env.ASSET_STORE === 's3') expect(s.depends_on?.['s3-init'], `${target} -> s3-init`).toEqual({ condition: 'service_completed_successfully' })
    }
    for (const engine of ENGINES) expect(services[engine]!.healthcheck, engine).toBeDefined()
  })

  it('sets only variables the processes read, and takes every secret from the environment', async () => {
    const known = await knownEnvNames(root)
    for (const target of TARGETS) {
      const env = services[target]!.environment ?? {}
      expect(Object.keys(env).filter((n) => !known.has(n)), target).toEqual([])
    }
    for (const [name, s] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(s.environment ?? {})) {
        if (!SECRET_LIKE.test(variable) || variable.endsWith('_FILE')) continue
        // `${NAME:?message}`: compose refuses to start without it; never a literal or a default.
        expect(String(value), `${name}.${variable}`).toMatch(/\$\{[A-Z0-9_]+:\?[^}]+\}/)
        expect(String(value), `${name}.${variable}`).not.toMatch(/:-/)
      }
    }
  })
})

describe('npm run images', () => {
  it('exits non-zero, saying no container engine answers, when the daemon cannot be reached', async () => {
    const failure = await run('bash', ['infra/deploy/images.sh', 'web'], { cwd: root, env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    )
    expect(failure?.code).toBe(1)
    expect(failure?.stderr).toMatch(/no container engine( answers)?: .*no image was built/)
  })

  it('refuses an unknown target by name', async () => {
    const failure = await run('bash', ['infra/deploy/images.sh', 'webb'], { cwd: root }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    )
    expect(failure?.stderr).toContain(`unknown target 'webb' (targets: ${TARGETS.join(' ')})`)
  })
})
