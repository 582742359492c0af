import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { knownEnvNames } from './env-names'
import {
  availabilityProblems,
  byComponent,
  containersOf,
  envOf,
  gpuPoolProblems,
  migrationProblems,
  ofKind,
  scalingProblems,
  workloadProblems,
  type TManifest,
} from './manifest-checks'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../..', import.meta.url))
const helmSh = 'infra/deploy/helm.sh'
const chart = 'infra/deploy/helm/montage'
const cloudValues = 'infra/deploy/helm/examples/temporal-cloud-s3-gpu.yaml'
const selfHostedValues = 'infra/deploy/helm/examples/self-hosted.yaml'

async function helm(args: string[]): Promise<string> {
  // helm.sh builds Helm once with `go install` (minutes) when the cache lacks it.
  const { stdout } = await run('bash', [helmSh, ...args], { cwd: root, maxBuffer: 32 * 1024 * 1024 })
  return stdout
}

async function render(valuesFiles: string[] = [], set: string[] = []): Promise<TManifest[]> {
  const out = await helm(['template', 'montage', chart, '--namespace', 'montage', ...valuesFiles.flatMap((f) => ['-f', f]), ...set.flatMap((s) => ['--set', s])])
  return parseAllDocuments(out)
    .map((d) => {
      if (d.errors.length) throw new Error(`helm template printed invalid YAML: ${d.errors[0]!.message}`)
      return d.toJS() as TManifest | null
    })
    .filter((m): m is TManifest => !!m)
}

/** Drops one key from the first object that has it, so a check can be shown to notice. */
function without<T extends object>(m: T, path: (string | number)[]): T {
  const copy = structuredClone(m)
  let at: any = copy // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const key of path.slice(0, -1)) at = at[key]
  delete at[path.at(-1)!]
  return copy
}

const renders: Record<string, TManifest[]> = {}
beforeAll(async () => {
  renders.defaults = await render()
  renders.cloud = await render([cloudValues])
  renders.selfHosted = await render([selfHostedValues])
  renders.prefixed = await render([cloudValues], ['taskQueuePrefix=staging'])
}, 600_000)

describe('the Helm chart', () => {
  it('passes helm lint with the default values and with each example', async () => {
    for (const values of [[], ['-f', cloudValues], ['-f', selfHostedValues]]) {
      const out = await helm(['lint', chart, '--strict', ...values])
      expect(out).toContain('0 chart(s) failed')
    }
  })

  it.each(['defaults', 'cloud', 'selfHosted', 'prefixed'])('renders (%s) every process, with probes, resources and no inlined secret', (name) => {
    const manifests = renders[name]!
    const deployments = ofKind(manifests, 'Deployment').map((d) => d.metadata.labels?.['app.kubernetes.io/component']).sort()
    expect(deployments).toEqual(['collab-server', 'gpu-worker', 'hosted-worker', 'web', 'workflows'])
    expect(workloadProblems(manifests)).toEqual([])
    expect(gpuPoolProblems(manifests)).toEqual([])
    expect(scalingProblems(manifests)).toEqual([])
    expect(migrationProblems(manifests)).toEqual([])
    expect(availabilityProblems(manifests)).toEqual([])
  })

  it('sets only environment variables that the processes read or the deployment contract names', async () => {
    const known = await knownEnvNames(root)
    for (const name of ['defaults', 'cloud', 'selfHosted']) {
      for (const m of [...ofKind(renders[name]!, 'Deployment'), ...ofKind(renders[name]!, 'Job')]) {
        for (const c of containersOf(m)) {
          const unknown = (c.env ?? []).map((e) => e.name).filter((n) => !known.has(n))
          expect(unknown, `${m.metadata.name}/${c.name} in ${name}`).toEqual([])
        }
      }
    }
  })

  it('points KEDA at the gpu and hosted queues, with the prefix and Temporal Cloud API key', () => {
    const cloud = renders.cloud!
    const queues = ofKind(cloud, 'ScaledObject').map((s) => [s.spec.scaleTargetRef.name, s.spec.triggers[0].metadata.taskQueue])
    expect(queues.sort()).toEqual([['montage-gpu-worker', 'gpu'], ['montage-hosted-worker', 'hosted']])
    const prefixed = ofKind(renders.prefixed!, 'ScaledObject').map((s) => s.spec.triggers[0].metadata.taskQueue)
    expect(prefixed.sort()).toEqual(['staging-gpu', 'staging-hosted'])
    const [auth] = ofKind(cloud, 'TriggerAuthentication')
    expect(auth?.spec.secretTargetRef).toEqual([{ parameter: 'apiKey', name: 'montage-temporal', key: 'apiKey' }])
    // Self-hosted Temporal without TLS: no authentication to refer to.
    expect(ofKind(renders.selfHosted!, 'TriggerAuthentication')).toEqual([])
    expect(ofKind(renders.selfHosted!, 'ScaledObject').every((s) => !s.spec.triggers[0].authenticationRef)).toBe(true)
  })

  it('reads the Temporal Cloud, NATS, S3 and Clerk settings of the cloud example from Secrets', () => {
    const web = containersOf(byComponent(renders.cloud!, 'Deployment', 'web')!)[0]!
    const refs = Object.fromEntries((web.env ?? []).filter((e) => e.valueFrom).map((e) => [e.name, e.valueFrom!.secretKeyRef]))
    expect(refs).toMatchObject({
      DATABASE_URL: { name: 'montage-postgres', key: 'url' },
      TEMPORAL_API_KEY: { name: 'montage-temporal', key: 'apiKey' },
      MEDIA_URL_SECRET: { name: 'montage-media-url', key: 'secret' },
      CLERK_SECRET_KEY: { name: 'montage-clerk', key: 'secretKey' },
      CLERK_JWT_KEY: { name: 'montage-clerk', key: 'jwtKey' },
      TLDRAW_LICENSE_KEY: { name: 'montage-tldraw', key: 'licenseKey' },
    })
    const env = envOf(web)
    expect(env).toMatchObject({ TEMPORAL_TLS: '1', TEMPORAL_ADDRESS: 'montage-prod.a1b2c.tmprl.cloud:7233', ASSET_STORE: 's3', S3_BUCKET: 'acme-montage-assets', NATS_CREDS_FILE: '/etc/montage/nats-creds/nats.creds', AUTH_MODE: 'clerk' })
    // IRSA: no static S3 keys, the service account carries the role.
    expect(env).not.toHaveProperty('S3_ACCESS_KEY_ID')
    expect((web.env ?? []).some((e) => e.name === 'S3_ACCESS_KEY_ID')).toBe(false)
    const [sa] = ofKind(renders.cloud!, 'ServiceAccount')
    expect(sa?.metadata.annotations?.['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::/)
    // Local mode mounts the shared RS256 pair where @montage/auth looks for it ($DATA_DIR/auth).
    const localWeb = containersOf(byComponent(renders.selfHosted!, 'Deployment', 'web')!)[0]!
    expect(localWeb.volumeMounts).toContainEqual(expect.objectContaining({ name: 'auth-keys', mountPath: '/data/auth' }))
    expect(envOf(localWeb).DATA_DIR).toBe('/data')
  })

  it('refuses to render without the database secret, naming the value', async () => {
    await expect(helm(['template', 'montage', chart, '--set', 'postgres.urlSecret.name='])).rejects.toThrow(/postgres\.urlSecret\.name is required/)
  })
})

// The checks above pass only if they can fail: each is shown a rendered chart with one thing broken.
describe('the chart checks', () => {
  it('notice a missing probe, resource request or limit', () => {
    const m = renders.defaults!
    const i = m.findIndex((x) => x.kind === 'Deployment' && x.metadata.labels?.['app.kubernetes.io/component'] === 'workflows')
    const noReadiness = m.with(i, without(m[i]!, ['spec', 'template', 'spec', 'containers', 0, 'readinessProbe']))
    expect(workloadProblems(noReadiness)).toEqual(['Deployment montage-workflows container workflows: no readinessProbe'])
    const noRequests = m.with(i, without(m[i]!, ['spec', 'template', 'spec', 'containers', 0, 'resources', 'requests']))
    expect(workloadProblems(noRequests)).toEqual(['Deployment montage-workflows container workflows: no cpu request', 'Deployment montage-workflows container workflows: no memory request'])
    const j = m.findIndex((x) => x.kind === 'Job')
    const jobNoLimits = m.with(j, without(m[j]!, ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits']))
    expect(workloadProblems(jobNoLimits)).toEqual(['Job montage-migrate container migrate: no cpu limit', 'Job montage-migrate container migrate: no memory limit'])
  })

  it('notice an inlined secret, a secret from a ConfigMap and a key file outside a Secret', () => {
    const m = renders.cloud!
    const i = m.findIndex((x) => x.kind === 'Deployment' && x.metadata.labels?.['app.kubernetes.io/component'] === 'hosted-worker')
    const broken = structuredClone(m)
    const env = broken[i]!.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: object }[]
    env.push({ name: 'RUNWAYML_API_SECRET', value: 'key_123' })
    env.push({ name: 'NATS_TOKEN', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } })
    env.push({ name: 'TEMPORAL_TLS_KEY_FILE', value: '/tmp/client.key' })
    expect(workloadProblems(broken)).toEqual([
      'Deployment montage-hosted-worker container hosted-worker: RUNWAYML_API_SECRET has an inlined value; it must come from a secretKeyRef',
      'Deployment montage-hosted-worker container hosted-worker: NATS_TOKEN is not read from a Secret (secretKeyRef)',
      'Deployment montage-hosted-worker container hosted-worker: TEMPORAL_TLS_KEY_FILE (/tmp/client.key) is not a file of a mounted Secret',
    ])
    const withSecret = [...m, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'oops' } }]
    expect(workloadProblems(withSecret)).toEqual(['Secret oops is rendered: secrets must be existing Kubernetes Secrets named in values'])
  })

  it('notice a gpu pool without a GPU and a ScaledObject on the wrong queue or target', () => {
    const m = renders.cloud!
    const g = m.findIndex((x) => x.kind === 'Deployment' && x.metadata.labels?.['app.kubernetes.io/component'] === 'gpu-worker')
    const noGpu = m.with(g, without(m[g]!, ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'nvidia.com/gpu']))
    expect(gpuPoolProblems(noGpu)).toEqual(['gpu-worker: no nvidia.com/gpu limit'])

    const wrongQueue = structuredClone(m)
    const gpuScaler = wrongQueue.find((x) => x.kind === 'ScaledObject' && x.spec.scaleTargetRef.name === 'montage-gpu-worker')!
    gpuScaler.spec.triggers[0].metadata.taskQueue = 'hosted'
    delete gpuScaler.spec.triggers[0].metadata.queueTypes
    expect(scalingProblems(wrongQueue)).toEqual([
      'gpu-worker: the trigger watches queue hosted, the workers poll gpu',
      'gpu-worker: the trigger does not count activity tasks (queueTypes workflow by default)',
    ])
    const wrongTarget = structuredClone(m)
    wrongTarget.find((x) => x.kind === 'ScaledObject' && x.spec.scaleTargetRef.name === 'montage-hosted-worker')!.spec.scaleTargetRef.name = 'montage-web'
    expect(scalingProblems(wrongTarget)).toEqual(['hosted-worker: 0 ScaledObjects target it, expected 1'])
    // The prefix lives in the workers' environment; a trigger left on the bare name is caught.
    const p = renders.prefixed!.map((x) => (x.kind === 'ScaledObject' && x.spec.scaleTargetRef.name === 'montage-gpu-worker' ? { ...x, spec: { ...x.spec, triggers: [{ ...x.spec.triggers[0], metadata: { ...x.spec.triggers[0].metadata, taskQueue: 'gpu' } }] } } : x))
    expect(scalingProblems(p)).toEqual(['gpu-worker: the trigger watches queue gpu, the workers poll staging-gpu'])
  })

  it('notice a migrations Job that is no hook or runs something else, and a workload without a PDB', () => {
    const m = renders.defaults!
    const j = m.findIndex((x) => x.kind === 'Job')
    const notHook = m.with(j, without(m[j]!, ['metadata', 'annotations', 'helm.sh/hook']))
    expect(migrationProblems(notHook)).toEqual(['the migrations Job is not a pre-install hook', 'the migrations Job is not a pre-upgrade hook'])
    const otherCommand = structuredClone(m)
    otherCommand[j]!.spec.template.spec.containers[0].args = ['node', 'dist/main.js']
    expect(migrationProblems(otherCommand)).toEqual(['the migrations Job runs "node dist/main.js", not npm run migrate'])
    const noPdb = m.filter((x) => !(x.kind === 'PodDisruptionBudget' && x.metadata.name === 'montage-collab-server'))
    expect(availabilityProblems(noPdb)).toEqual(['montage-collab-server: no PodDisruptionBudget selects its pods'])
  })
})
