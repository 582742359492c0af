import { taskQueueName } from '@montage/core'

/** One rendered Kubernetes object, as much of it as the checks read. */
export interface TManifest {
  apiVersion: string
  kind: string
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  // Each kind has its own spec; the checks read the parts they need.
  spec?: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface TEnvVar {
  name: string
  value?: string
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: unknown; fieldRef?: unknown }
}
interface TContainer {
  name: string
  image?: string
  command?: string[]
  args?: string[]
  env?: TEnvVar[]
  ports?: { name?: string; containerPort: number }[]
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> }
  livenessProbe?: { httpGet?: { path?: string; port?: string | number } }
  readinessProbe?: { httpGet?: { path?: string; port?: string | number } }
  volumeMounts?: { name: string; mountPath: string }[]
}

/** A variable whose name says it carries a secret; its value must come from a Secret. */
export const SECRET_LIKE = /PASSWORD|SECRET|KEY|TOKEN|DATABASE_URL|CREDS/

export function ofKind(manifests: TManifest[], kind: string): TManifest[] {
  return manifests.filter((m) => m.kind === kind)
}

export function byComponent(manifests: TManifest[], kind: string, component: string): TManifest | undefined {
  return manifests.find((m) => m.kind === kind && m.metadata.labels?.['app.kubernetes.io/component'] === component)
}

/** The pod spec of a Deployment or Job. */
function podSpecOf(m: TManifest) {
  return m.spec?.template?.spec as { containers?: TContainer[]; initContainers?: TContainer[]; volumes?: { name: string; secret?: unknown }[]; nodeSelector?: object; tolerations?: unknown[] } | undefined
}

export function containersOf(m: TManifest): TContainer[] {
  const pod = podSpecOf(m)
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]
}

export function envOf(container: TContainer): Record<string, string | undefined> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]))
}

/**
 * What matters in a rendered chart, as a list of problems (empty when all is well): every container of
 * a workload has resource requests and limits; every long-running container has liveness and readiness
 * probes on /healthz and /readyz of its named `ops` port; no secret-like variable carries an inlined
 * value (a *_FILE path must point into a mounted Secret); no Secret object is rendered.
 */
export function workloadProblems(manifests: TManifest[]): string[] {
  const problems: string[] = []
  for (const m of manifests) {
    if (m.kind === 'Secret') problems.push(`Secret ${m.metadata.name} is rendered: secrets must be existing Kubernetes Secrets named in values`)
    if (m.kind !== 'Deployment' && m.kind !== 'Job') continue
    const where = `${m.kind} ${m.metadata.name}`
    const containers = containersOf(m)
    if (containers.length === 0) problems.push(`${where}: no containers`)
    const secretVolumes = new Set((podSpecOf(m)?.volumes ?? []).filter((v) => v.secret).map((v) => v.name))
    for (const c of containers) {
      const at = `${where} container ${c.name}`
      for (const r of ['cpu', 'memory']) {
        if (c.resources?.requests?.[r] === undefined) problems.push(`${at}: no ${r} request`)
        if (c.resources?.limits?.[r] === undefined) problems.push(`${at}: no ${r} limit`)
      }
      if (m.kind === 'Deployment') {
        const hasOps = (c.ports ?? []).some((p) => p.name === 'ops')
        if (!hasOps) problems.push(`${at}: no port named ops`)
        const probes = [['livenessProbe', '/healthz'], ['readinessProbe', '/readyz']] as const
        for (const [probe, path] of probes) {
          const get = c[probe]?.httpGet
          if (!get) problems.push(`${at}: no ${probe}`)
          else if (get.path !== path || get.port !== 'ops') problems.push(`${at}: ${probe} is ${get.path} on ${get.port}, not ${path} on ops`)
        }
      }
      const secretMounts = (c.volumeMounts ?? []).filter((vm) => secretVolumes.has(vm.name)).map((vm) => vm.mountPath)
      for (const e of c.env ?? []) {
        if (!SECRET_LIKE.test(e.name)) continue
        if (e.name.endsWith('_FILE')) {
          if (e.value === undefined || !secretMounts.some((p) => e.value!.startsWith(`${p}/`))) {
            problems.push(`${at}: ${e.name} (${e.value ?? 'no value'}) is not a file of a mounted Secret`)
          }
          continue
        }
        if (e.value !== undefined) problems.push(`${at}: ${e.name} has an inlined value; it must come from a secretKeyRef`)
        else if (!e.valueFrom?.secretKeyRef?.name || !e.valueFrom.secretKeyRef.key) problems.push(`${at}: ${e.name} is not read from a Secret (secretKeyRef)`)
      }
    }
  }
  return problems
}

/** The gpu pool: requests and is limited to a GPU, runs the CUDA provider, lands on GPU nodes. */
export function gpuPoolProblems(manifests: TManifest[]): string[] {
  const gpu = byComponent(manifests, 'Deployment', 'gpu-worker')
  if (!gpu) return ['no gpu-worker Deployment']
  const problems: string[] = []
  const [c] = containersOf(gpu)
  if (!(Number(c?.resources?.limits?.['nvidia.com/gpu']) >= 1)) problems.push('gpu-worker: no nvidia.com/gpu limit')
  if (!(Number(c?.resources?.requests?.['nvidia.com/gpu']) >= 1)) problems.push('gpu-worker: no nvidia.com/gpu request')
  if (c && envOf(c).ENGINE_EXECUTION_PROVIDER !== 'cuda') problems.push(`gpu-worker: ENGINE_EXECUTION_PROVIDER is ${envOf(c).ENGINE_EXECUTION_PROVIDER}, not cuda`)
  const pod = podSpecOf(gpu)
  if (!pod?.nodeSelector && !pod?.tolerations?.length) problems.push('gpu-worker: neither a nodeSelector nor tolerations for GPU nodes')
  return problems
}

/**
 * KEDA: one `temporal` ScaledObject per worker pool, aimed at that pool's Deployment, watching the
 * activity queue that pool polls (the name computed as the workers compute it, from the Deployment's own
 * TASK_QUEUE_PREFIX), on the Temporal endpoint and namespace the workers use.
 */
export function scalingProblems(manifests: TManifest[]): string[] {
  const problems: string[] = []
  const pools = [['gpu-worker', 'gpu'], ['hosted-worker', 'hosted']] as const
  for (const [component, queue] of pools) {
    const deployment = byComponent(manifests, 'Deployment', component)
    if (!deployment) {
      problems.push(`no ${component} Deployment`)
      continue
    }
    const env = envOf(containersOf(deployment)[0]!)
    const expectedQueue = taskQueueName(env.TASK_QUEUE_PREFIX ?? '', queue)
    const scaled = ofKind(manifests, 'ScaledObject').filter((s) => s.spec?.scaleTargetRef?.name === deployment.metadata.name)
    if (scaled.length !== 1) {
      problems.push(`${component}: ${scaled.length} ScaledObjects target it, expected 1`)
      continue
    }
    const triggers = (scaled[0]!.spec.triggers ?? []) as { type: string; metadata: Record<string, string>; authenticationRef?: { name: string } }[]
    if (triggers.length !== 1 || triggers[0]!.type !== 'temporal') {
      problems.push(`${component}: the ScaledObject's triggers are ${triggers.map((t) => t.type).join(',') || 'none'}, expected one temporal trigger`)
      continue
    }
    const meta = triggers[0]!.metadata
    if (meta.taskQueue !== expectedQueue) problems.push(`${component}: the trigger watches queue ${meta.taskQueue}, the workers poll ${expectedQueue}`)
    if (!(meta.queueTypes ?? '').split(',').includes('activity')) problems.push(`${component}: the trigger does not count activity tasks (queueTypes ${meta.queueTypes ?? 'workflow by default'})`)
    if (meta.endpoint !== env.TEMPORAL_ADDRESS) problems.push(`${component}: the trigger's endpoint ${meta.endpoint} is not the workers' ${env.TEMPORAL_ADDRESS}`)
    if (meta.namespace !== env.TEMPORAL_NAMESPACE) problems.push(`${component}: the trigger's namespace ${meta.namespace} is not the workers' ${env.TEMPORAL_NAMESPACE}`)
    if (!(Number(meta.targetQueueSize) > 0)) problems.push(`${component}: targetQueueSize ${meta.targetQueueSize} is not a positive number`)
    const usesApiKey = containersOf(deployment)[0]!.env?.some((e) => e.name === 'TEMPORAL_API_KEY')
    if (usesApiKey) {
      const auth = ofKind(manifests, 'TriggerAuthentication').find((a) => a.metadata.name === triggers[0]!.authenticationRef?.name)
      const apiKey = (auth?.spec?.secretTargetRef ?? []).find((r: { parameter: string }) => r.parameter === 'apiKey')
      if (!apiKey) problems.push(`${component}: the workers use a Temporal API key but the trigger authenticates without one`)
    }
  }
  return problems
}

/** The migrations Job: a pre-install and pre-upgrade hook that runs `npm run migrate` from the migrate image. */
export function migrationProblems(manifests: TManifest[]): string[] {
  const jobs = ofKind(manifests, 'Job')
  if (jobs.length !== 1) return [`${jobs.length} Jobs rendered, expected the migrations Job`]
  const job = jobs[0]!
  const problems: string[] = []
  const hooks = (job.metadata.annotations?.['helm.sh/hook'] ?? '').split(',')
  for (const hook of ['pre-install', 'pre-upgrade']) if (!hooks.includes(hook)) problems.push(`the migrations Job is not a ${hook} hook`)
  const [c] = containersOf(job)
  const line = [...(c?.command ?? []), ...(c?.args ?? [])]
  if (!(line[0] === 'npm' && line.includes('run') && line.at(-1) === 'migrate')) problems.push(`the migrations Job runs "${line.join(' ')}", not npm run migrate`)
  if (!c?.image?.includes('/migrate:')) problems.push(`the migrations Job runs image ${c?.image}, not the migrate image`)
  if (c && !c.env?.some((e) => e.name === 'DATABASE_URL')) problems.push('the migrations Job has no DATABASE_URL')
  return problems
}

/** web and collab-server: a Service, and an HPA on CPU aimed at the Deployment; every workload has a PDB that selects it. */
export function availabilityProblems(manifests: TManifest[]): string[] {
  const problems: string[] = []
  for (const component of ['web', 'collab-server']) {
    const deployment = byComponent(manifests, 'Deployment', component)
    if (!deployment) {
      problems.push(`no ${component} Deployment`)
      continue
    }
    if (!byComponent(manifests, 'Service', component)) problems.push(`${component}: no Service`)
    const hpa = ofKind(manifests, 'HorizontalPodAutoscaler').find((h) => h.spec?.scaleTargetRef?.name === deployment.metadata.name)
    if (!hpa) problems.push(`${component}: no HorizontalPodAutoscaler`)
    else if (!(hpa.spec.metrics ?? []).some((mt: { type: string; resource?: { name: string } }) => mt.type === 'Resource' && mt.resource?.name === 'cpu')) problems.push(`${component}: the HPA does not scale on CPU`)
  }
  for (const deployment of ofKind(manifests, 'Deployment')) {
    const podLabels = deployment.spec?.template?.metadata?.labels ?? {}
    const covered = ofKind(manifests, 'PodDisruptionBudget').some((p) => {
      const sel = (p.spec?.selector?.matchLabels ?? {}) as Record<string, string>
      return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => podLabels[k] === v)
    })
    if (!covered) problems.push(`${deployment.metadata.name}: no PodDisruptionBudget selects its pods`)
  }
  return problems
}
